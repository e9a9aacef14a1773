using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class ServerPipelineTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("123456789m")]
    [InlineData("10x")]
    [InlineData("-5m")]
    public async Task GrpcTimeout_Malformed_Gets400NamingTheHeader(string value)
    {
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/work", () => "done"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/work", UriKind.Relative));
        request.Headers.TryAddWithoutValidation(RedBookHeaders.GrpcTimeout, value);

        using var response = await app.Client.SendAsync(request);
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCode.InvalidArgument, error!.Code);
        Assert.Equal(WellKnownReasons.BadRequest, error.Reason);
        Assert.Equal(RedBookHeaders.GrpcTimeout, error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public async Task GrpcTimeout_Passes_CancelsTheHandlersWork()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/slow", async (HttpContext context) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(2), TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }

            return "finished";
        }));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/slow", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.GrpcTimeout, "300m");

        using var response = await app.Client.SendAsync(request);
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(WellKnownReasons.DeadlineExceeded, error!.Reason);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task GrpcTimeout_Absent_AppliesDefaultTimeoutAsAmbientDeadline()
    {
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/deadline", () =>
            {
                var remaining = RequestDeadline.Current.Remaining(TimeProvider.System);
                return remaining > TimeSpan.FromSeconds(30) && remaining <= TimeSpan.FromSeconds(45) ? "default" : remaining.ToString();
            }),
            settings: new Dictionary<string, string?> { ["RedBook:Server:DefaultTimeout"] = "00:00:45" });

        Assert.Equal("default", await app.Client.GetStringAsync(new Uri("/deadline", UriKind.Relative)));
    }

    [Fact]
    public async Task GrpcTimeout_Absent_EndpointTimeoutMetadataDecidesTheDefault()
    {
        static string Describe()
        {
            var current = RequestDeadline.Current;
            return current.HasValue ? ((int)Math.Ceiling(current.Remaining(TimeProvider.System).TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "none";
        }

        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet("/stream", Describe).DisableRequestTimeout();
                a.MapGet("/report", Describe).WithRequestTimeout(TimeSpan.FromSeconds(50));
                a.MapGet("/plain", Describe);
            },
            settings: new Dictionary<string, string?> { ["RedBook:Server:DefaultTimeout"] = "00:00:20" });

        Assert.Equal("none", await app.Client.GetStringAsync(new Uri("/stream", UriKind.Relative)));
        Assert.Equal("50", await app.Client.GetStringAsync(new Uri("/report", UriKind.Relative)));
        Assert.Equal("20", await app.Client.GetStringAsync(new Uri("/plain", UriKind.Relative)));

        // a caller's deadline binds even on an endpoint without a default
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/stream", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.GrpcTimeout, "40S");
        using var response = await app.Client.SendAsync(request);
        Assert.Equal("40", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrpcTimeout_Present_BecomesAmbientDeadline()
    {
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/deadline", () =>
        {
            var remaining = RequestDeadline.Current.Remaining(TimeProvider.System);
            return remaining > TimeSpan.FromSeconds(40) && remaining <= TimeSpan.FromMinutes(2) ? "header" : remaining.ToString();
        }));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/deadline", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.GrpcTimeout, "2M");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal("header", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bbr_OverloadedCpu_ShedsRequestsAboveTwoInFlightWith503AndPushback()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/hold", async () =>
            {
                Interlocked.Increment(ref started);
                await release.Task;
                return "held";
            }),
            b => b.Services.AddSingleton<ICpuUsageSource>(new FakeCpu(1000)));

        // With the CPU pegged and no history, BBR admits while inFlight <= 1, so two requests get in.
        var first = app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        await Poll.UntilAsync(() => Volatile.Read(ref started) == 1, "the first request to start");
        var second = app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        await Poll.UntilAsync(() => Volatile.Read(ref started) == 2, "the second request to start");
        using var shed = await app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        var error = await shed.ReadErrorAsync();
        release.SetResult();
        using var firstResponse = await first;
        using var secondResponse = await second;

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.True(error!.IsOverloaded);
        Assert.True(long.Parse(shed.Headers.GetValues(RedBookHeaders.RetryPushbackMs).Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.NotNull(shed.Headers.RetryAfter);
        Assert.Equal(2, Volatile.Read(ref started));
    }

    [Fact]
    public async Task Bbr_NormalCpu_DoesNotShed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet("/hold", async () =>
                {
                    Interlocked.Increment(ref started);
                    await release.Task;
                    return "held";
                });
                a.MapGet("/quick", () => "quick");
            },
            b => b.Services.AddSingleton<ICpuUsageSource>(new FakeCpu(100)));

        var held = new[] { app.Client.GetAsync(new Uri("/hold", UriKind.Relative)), app.Client.GetAsync(new Uri("/hold", UriKind.Relative)) };
        await Poll.UntilAsync(() => Volatile.Read(ref started) == 2, "both requests to start");
        using var third = await app.Client.GetAsync(new Uri("/quick", UriKind.Relative));
        release.SetResult();
        foreach (var response in await Task.WhenAll(held))
        {
            response.Dispose();
        }

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task RateLimit_ConfiguredRoute_Gets429AfterPermits()
    {
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet("/limited/{id}", (string id) => id);
                a.MapGet("/free", () => "free");
            },
            settings: new Dictionary<string, string?>
            {
                ["RedBook:RateLimits:Policies:notes:Kind"] = "FixedWindow",
                ["RedBook:RateLimits:Policies:notes:PermitLimit"] = "2",
                ["RedBook:RateLimits:Policies:notes:Window"] = "01:00:00",
                ["RedBook:RateLimits:Policies:notes:Routes:0"] = "GET /limited/{id}",
            });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await app.Client.GetAsync(new Uri("/limited/" + i, UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (i == 2)
            {
                var error = await response.ReadErrorAsync();
                Assert.Equal(ErrorCode.ResourceExhausted, error!.Code);
                Assert.Equal(WellKnownReasons.RateLimited, error.Reason);
            }
        }

        using var free = await app.Client.GetAsync(new Uri("/free", UriKind.Relative));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Fact]
    public async Task RateLimit_NamedPolicyOnEndpoint_Gets429()
    {
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/named", () => "ok").RequireRateLimiting("tight"),
            settings: new Dictionary<string, string?>
            {
                ["RedBook:RateLimits:Policies:tight:Kind"] = "TokenBucket",
                ["RedBook:RateLimits:Policies:tight:PermitLimit"] = "1",
                ["RedBook:RateLimits:Policies:tight:Window"] = "01:00:00",
            });

        using var first = await app.Client.GetAsync(new Uri("/named", UriKind.Relative));
        using var second = await app.Client.GetAsync(new Uri("/named", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task CoDel_Enabled_QueuesThenShedsWhenFull()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/hold", async () =>
            {
                Interlocked.Increment(ref started);
                await release.Task;
                return "held";
            }),
            settings: new Dictionary<string, string?>
            {
                ["RedBook:Server:CoDelEnabled"] = "true",
                ["RedBook:CoDel:PermitLimit"] = "1",
                ["RedBook:CoDel:QueueLimit"] = "1",
                ["RedBook:CoDel:TargetDelay"] = "00:01:00",
                ["RedBook:CoDel:Interval"] = "00:10:00",
            });

        var first = app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        await Poll.UntilAsync(() => Volatile.Read(ref started) == 1, "the first request to start");
        var queued = app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        var limiter = app.App.Services.GetRequiredService<RedBook.ServiceDefaults.CoDel.CoDelRateLimiter>();
        await Poll.UntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1, "the second request to queue");
        using var shed = await app.Client.GetAsync(new Uri("/hold", UriKind.Relative));
        var error = await shed.ReadErrorAsync();
        release.SetResult();
        using var firstResponse = await first;
        using var queuedResponse = await queued;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.True(error!.IsOverloaded);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queuedResponse.StatusCode);
        Assert.Equal(2, Volatile.Read(ref started));
    }
}
