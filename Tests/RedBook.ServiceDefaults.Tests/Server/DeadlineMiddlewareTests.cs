using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Server;

namespace RedBook.ServiceDefaults.Tests.Server;

public class DeadlineMiddlewareTests
{
    private readonly FakeTimeProvider _time = new();

    // Both stages, as the server runs them: the caller's header at the front, the endpoint default after routing.
    private RequestDelegate Create(RequestDelegate next, RedBookServerOptions? options = null, bool infrastructure = false, RequestTimeoutOptions? timeouts = null)
    {
        var monitor = new StaticOptionsMonitor<RedBookServerOptions>(options ?? new RedBookServerOptions());
        var endpointStage = new DeadlineMiddleware(next, monitor, _time, _ => infrastructure, DeadlineStage.EndpointDefault, new StaticOptionsMonitor<RequestTimeoutOptions>(timeouts ?? new RequestTimeoutOptions()));
        return new DeadlineMiddleware(endpointStage.InvokeAsync, monitor, _time, _ => infrastructure, DeadlineStage.CallerHeader).InvokeAsync;
    }

    private static DefaultHttpContext RoutedTo(params object[] metadata)
    {
        var context = Context();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "GET /stream"));
        return context;
    }

    [Fact]
    public async Task InvokeAsync_EndpointDisablesRequestTimeout_NoDefaultDeadline()
    {
        var hasDeadline = true;
        var middleware = Create(_ =>
        {
            hasDeadline = RequestDeadline.Current.HasValue;
            return Task.CompletedTask;
        });

        await middleware(RoutedTo(new DisableRequestTimeoutAttribute()));

        Assert.False(hasDeadline);
    }

    [Fact]
    public async Task InvokeAsync_EndpointDisablesRequestTimeout_CallerDeadlineStillBinds()
    {
        TimeSpan remaining = default;
        var middleware = Create(_ =>
        {
            remaining = RequestDeadline.Current.Remaining(_time);
            return Task.CompletedTask;
        });
        var context = RoutedTo(new DisableRequestTimeoutAttribute());
        context.Request.Headers[RedBookHeaders.GrpcTimeout] = "300m";

        await middleware(context);

        Assert.Equal(TimeSpan.FromMilliseconds(300), remaining);
    }

    [Fact]
    public async Task InvokeAsync_EndpointTimeouts_ReplaceTheServerDefault()
    {
        var seen = new List<TimeSpan>();
        var timeouts = new RequestTimeoutOptions();
        timeouts.AddPolicy("reports", TimeSpan.FromSeconds(30));
        var middleware = Create(_ =>
        {
            seen.Add(RequestDeadline.Current.Remaining(_time));
            return Task.CompletedTask;
        }, timeouts: timeouts);

        await middleware(RoutedTo(new RequestTimeoutAttribute(5_000)));
        await middleware(RoutedTo(new RequestTimeoutAttribute("reports")));
        await middleware(RoutedTo(new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(7) }));
        await middleware(RoutedTo()); // no metadata: the server default

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(1)], seen);
    }

    [Fact]
    public async Task InvokeAsync_UnknownTimeoutPolicyName_Throws()
    {
        var middleware = Create(_ => Task.CompletedTask);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => middleware(RoutedTo(new RequestTimeoutAttribute("missing"))));

        Assert.Contains("'missing'", ex.Message, StringComparison.Ordinal);
    }

    private static DefaultHttpContext Context(string? grpcTimeout = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        if (grpcTimeout is not null)
        {
            context.Request.Headers[RedBookHeaders.GrpcTimeout] = grpcTimeout;
        }

        return context;
    }

    [Fact]
    public async Task InvokeAsync_NoHeader_AppliesDefaultTimeout()
    {
        TimeSpan remaining = default;
        var middleware = Create(_ =>
        {
            remaining = RequestDeadline.Current.Remaining(_time);
            return Task.CompletedTask;
        });

        await middleware(Context());

        Assert.Equal(TimeSpan.FromSeconds(1), remaining);
        Assert.False(RequestDeadline.Current.HasValue);
    }

    [Fact]
    public async Task InvokeAsync_NoHeaderAndZeroDefault_HasNoDeadline()
    {
        var hasDeadline = true;
        var middleware = Create(_ =>
        {
            hasDeadline = RequestDeadline.Current.HasValue;
            return Task.CompletedTask;
        }, new RedBookServerOptions { DefaultTimeout = TimeSpan.Zero });

        await middleware(Context());

        Assert.False(hasDeadline);
    }

    [Fact]
    public async Task InvokeAsync_NoHeaderOnProbe_HasNoDeadline()
    {
        var hasDeadline = true;
        var middleware = Create(_ =>
        {
            hasDeadline = RequestDeadline.Current.HasValue;
            return Task.CompletedTask;
        }, infrastructure: true);

        await middleware(Context());

        Assert.False(hasDeadline);
    }

    [Fact]
    public async Task InvokeAsync_Header_UsesItAndCapsAtMaxTimeout()
    {
        var seen = new List<TimeSpan>();
        var middleware = Create(_ =>
        {
            seen.Add(RequestDeadline.Current.Remaining(_time));
            return Task.CompletedTask;
        }, new RedBookServerOptions { MaxTimeout = TimeSpan.FromSeconds(3) });

        await middleware(Context("250m"));
        await middleware(Context("10S"));

        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3)], seen);
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePasses_CancelsRequestAbortedAndRestoresIt()
    {
        var context = Context("100m");
        var original = context.RequestAborted;
        CancellationToken seen = default;
        var middleware = Create(c =>
        {
            seen = c.RequestAborted;
            Assert.False(seen.IsCancellationRequested);
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(seen.IsCancellationRequested);
            Assert.True(c.Features.Get<IRequestDeadlineFeature>()!.IsExpired);
            return Task.CompletedTask;
        });

        await middleware(context);

        Assert.NotEqual(original, seen);
        Assert.Equal(original, context.RequestAborted);
        Assert.Equal(504, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.5S")]
    [InlineData("999999999m")]
    [InlineData("5d")]
    public async Task InvokeAsync_MalformedHeader_Writes400AndSkipsHandler(string value)
    {
        var called = false;
        var middleware = Create(_ =>
        {
            called = true;
            return Task.CompletedTask;
        });
        var context = Context(value);

        await middleware(context);

        Assert.False(called);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal(WellKnownReasons.BadRequest, context.Response.Headers[RedBookHeaders.ErrorReason].ToString());
        var error = ParseBody(context);
        Assert.Equal(RedBookHeaders.GrpcTimeout, error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public async Task InvokeAsync_RepeatedHeader_Writes400()
    {
        var context = Context();
        context.Request.Headers[RedBookHeaders.GrpcTimeout] = new(["1S", "2S"]);

        await Create(_ => Task.CompletedTask)(context);

        Assert.Equal(400, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("0H")]
    [InlineData("1n")]         // below TimeSpan's 100 ns: it parses to no ticks at all, yet it is not zero
    [InlineData("99n")]
    [InlineData("999999n")]
    [InlineData("999u")]       // below the 1 ms a timer measures
    public async Task InvokeAsync_TimeoutBelowWhatATimerMeasures_Writes504SayingSoWithoutRunningHandler(string value)
    {
        var called = false;
        var context = Context(value);

        await Create(_ =>
        {
            called = true;
            return Task.CompletedTask;
        })(context);

        var error = ParseBody(context);
        Assert.False(called);
        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal(WellKnownReasons.DeadlineExceeded, error.Reason);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is zero", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_TimeoutOfOneMillisecond_RunsTheHandler()
    {
        var called = false;
        var context = Context("1000u");

        await Create(_ =>
        {
            called = true;
            return Task.CompletedTask;
        })(context);

        Assert.True(called);
        Assert.Equal(200, context.Response.StatusCode);
    }

    private static RedBookError ParseBody(HttpContext context)
    {
        var body = ((MemoryStream)context.Response.Body).ToArray();
        Assert.True(RedBookErrorParser.TryParseBody(body, out var error));
        return error;
    }
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
