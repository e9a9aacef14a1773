using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Server;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Server;

public class DeadlineMiddlewareTests
{
    private readonly ManualTimeProvider _time = new();

    private DeadlineMiddleware Create(RequestDelegate next, RedBookServerOptions? options = null, bool infrastructure = false) =>
        new(next, new StaticOptionsMonitor<RedBookServerOptions>(options ?? new RedBookServerOptions()), _time, _ => infrastructure);

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

        await middleware.InvokeAsync(Context());

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

        await middleware.InvokeAsync(Context());

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

        await middleware.InvokeAsync(Context());

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

        await middleware.InvokeAsync(Context("250m"));
        await middleware.InvokeAsync(Context("10S"));

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

        await middleware.InvokeAsync(context);

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

        await middleware.InvokeAsync(context);

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

        await Create(_ => Task.CompletedTask).InvokeAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_ZeroTimeout_Writes504WithoutRunningHandler()
    {
        var called = false;
        var context = Context("0m");

        await Create(_ =>
        {
            called = true;
            return Task.CompletedTask;
        }).InvokeAsync(context);

        Assert.False(called);
        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal(WellKnownReasons.DeadlineExceeded, ParseBody(context).Reason);
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
