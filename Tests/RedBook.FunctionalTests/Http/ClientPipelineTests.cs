using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.LoadLab.Infrastructure;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;

namespace RedBook.FunctionalTests.Http;

/// <summary>The client pipeline against real Kestrel servers on 127.0.0.1, configured as Aspire configures a service.</summary>
public class ClientPipelineTests
{
    [Fact]
    public async Task GetAsync_LogicalNameFromAspireConfiguration_ReachesEveryReplica()
    {
        var backends = new[] { new Backend("feed-0", TimeSpan.Zero), new Backend("feed-1", TimeSpan.Zero) };
        await using var a = await LoopbackService.StartAsync("feed", backends[0].Map);
        await using var b = await LoopbackService.StartAsync("feed", backends[1].Map);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:feed:http:0"] = a.Address.ToString(),
                ["services:feed:http:1"] = b.Address.ToString(),
                ["RedBook:Clients:feed:LoadBalancing:Policy"] = "RoundRobin",
            },
            "feed");
        var client = caller.Client("feed");

        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync(new Uri("https+http://feed/work"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, backends[0].Received);
        Assert.Equal(3, backends[1].Received);
    }

    [Fact]
    public async Task GetAsync_ReplicaAddedByConfigurationReload_IsPickedWithoutRestart()
    {
        var backends = new[] { new Backend("feed-0", TimeSpan.Zero), new Backend("feed-1", TimeSpan.Zero) };
        await using var a = await LoopbackService.StartAsync("feed", backends[0].Map);
        await using var b = await LoopbackService.StartAsync("feed", backends[1].Map);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:feed:http:0"] = a.Address.ToString(),
                ["RedBook:Clients:feed:LoadBalancing:Policy"] = "RoundRobin",
            },
            "feed");
        var client = caller.Client("feed");
        using (await client.GetAsync(new Uri("http://feed/work")))
        {
        }

        caller.Reload(new Dictionary<string, string?> { ["services:feed:http:1"] = b.Address.ToString() });
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri("http://feed/work"));
        }

        Assert.Equal(2, backends[1].Received);
    }

    [Fact]
    public async Task GetAsync_UnknownService_FailsWithUnavailableUnknownService()
    {
        await using var caller = await ClientHost.StartAsync(new Dictionary<string, string?>(), "feed");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => caller.Client("feed").GetAsync(new Uri("http://nosuchservice/x")));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal(WellKnownReasons.UnknownService, ex.Error.Reason);
    }

    [Fact]
    public async Task StartAsync_ConfigurationForAnUnregisteredClient_FailsAtStartupNamingIt()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ClientHost.StartAsync(
            new Dictionary<string, string?> { ["RedBook:Clients:fede:Retry:Enabled"] = "false" },
            "feed"));

        Assert.Contains(WellKnownReasons.UnknownClient, ex.Message, StringComparison.Ordinal);
        Assert.Contains("RedBook:Clients:fede", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_PerClientDeadlineChangedLive_AppliesOnTheNextCall()
    {
        var slow = new Backend("slow-0", TimeSpan.FromMilliseconds(300));
        await using var service = await LoopbackService.StartAsync("slow", slow.Map);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:slow:http:0"] = service.Address.ToString(),
                ["RedBook:Clients:slow:Deadline:DefaultTimeout"] = "00:00:00.050",
                ["RedBook:Clients:slow:Retry:Enabled"] = "false",
            },
            "slow");
        var client = caller.Client("slow");

        // Two timers race on the same 50 ms budget: the client's own cancellation (an exception) and the server's
        // deadline from the propagated grpc-timeout (a 504 error-model response). Either is the deadline applying.
        var ex = await Assert.ThrowsAsync<RedBookException>(async () =>
        {
            using var tooSlow = await client.GetAsync(new Uri("http://slow/work"));
            await tooSlow.EnsureRedBookSuccessAsync();
        });
        Assert.Equal(ErrorCode.DeadlineExceeded, ex.Error.Code);

        caller.Reload(new Dictionary<string, string?> { ["RedBook:Clients:slow:Deadline:DefaultTimeout"] = "00:00:10" });
        using var response = await client.GetAsync(new Uri("http://slow/work"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(ErrorCode.InvalidArgument, "FEED_BAD_CURSOR", ErrorCode.Internal, WellKnownReasons.Internal)]
    [InlineData(ErrorCode.Unavailable, WellKnownReasons.Overloaded, ErrorCode.Unavailable, WellKnownReasons.Overloaded)]
    [InlineData(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND")]
    public async Task DependencyError_ThroughTheClientPipeline_IsTranslatedAtOurBoundary(ErrorCode downstreamCode, string downstreamReason, ErrorCode expectedCode, string expectedReason)
    {
        long downstreamCalls = 0;
        await using var downstream = await LoopbackService.StartAsync("c", app => app.MapGet("/c", (HttpContext _) =>
        {
            Interlocked.Increment(ref downstreamCalls);
            throw new RedBookException(new RedBookError(downstreamCode, downstreamReason, "downstream says no"));
        }));
        await using var middle = await LoopbackService.StartAsync(
            "b",
            app => app.MapGet("/b", async (HttpContext ctx, IHttpClientFactory clients) =>
            {
                using var response = await clients.CreateClient("c").GetAsync(new Uri("http://c/c"), ctx.RequestAborted);
                await response.EnsureRedBookSuccessAsync(ctx.RequestAborted);
                return Results.Ok();
            }),
            builder => builder.Services.AddHttpClient("c").AddRedBookPipeline(),
            new Dictionary<string, string?>
            {
                ["services:c:http:0"] = downstream.Address.ToString(),
                ["RedBook:Clients:c:Retry:BaseDelay"] = "00:00:00",
                ["RedBook:Clients:c:Retry:MaxDelay"] = "00:00:00",
                ["RedBook:Clients:c:Deadline:DefaultTimeout"] = "00:00:05",
            });
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:b:http:0"] = middle.Address.ToString(),
                ["RedBook:Clients:b:Retry:Enabled"] = "false",
                ["RedBook:Clients:b:Deadline:DefaultTimeout"] = "00:00:05",
            },
            "b");

        using var response = await caller.Client("b").GetAsync(new Uri("http://b/b"));
        var error = await response.ReadErrorAsync();

        Assert.NotNull(error);
        Assert.Equal(expectedCode, error.Code);
        Assert.Equal(expectedReason, error.Reason);
        if (downstreamReason == WellKnownReasons.Overloaded)
        {
            Assert.Equal(1, Interlocked.Read(ref downstreamCalls)); // overloaded: never retried, though GET is idempotent
        }
    }
}
