using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.Internal.Cpu;
using RedBook.ServiceDefaults.Isolation;

namespace RedBook.FunctionalTests.Isolation;

/// <summary>
/// The README's wiring of BBR and the route partitions into ASP.NET Core's rate-limiting middleware, on Kestrel.
/// </summary>
public sealed class AspNetCoreRateLimiterTests : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly SettableCpu _cpu = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entered;
    private WebApplication? _app;

    private sealed class SettableCpu : ICpuUsageSource
    {
        public int Usage { get; set; }
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Bbr:CpuThreshold"] = "800",
            ["RedBook:Isolation:Routes:/slow:MaxConcurrency"] = "1",
        });
        builder.Services.AddSingleton<ICpuUsageSource>(_cpu);   // the test drives the CPU

        // --- the README snippet ---
        builder.Services.AddBbrRateLimiter();
        builder.Services.AddIsolationLimiters();
        builder.Services.AddRateLimiter(static _ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<BbrRateLimiter, IsolationLimiters>(static (options, bbr, isolation) =>
            {
                // BBR goes last: a request another limiter rejects must not count as a (0 ms) pass.
                options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    isolation.Routes.WithTranslatedKey<HttpContext>(
                        static context => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? string.Empty,
                        leaveOpen: true),
                    bbr.AsPartitioned<HttpContext>());
                options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
                options.OnRejected = static (context, _) =>
                {
                    if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    {
                        context.HttpContext.Response.Headers.RetryAfter =
                            ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    return ValueTask.CompletedTask;
                };
            });
        // --- end of snippet (the app calls app.UseRouting(); app.UseRateLimiter();) ---

        _app = builder.Build();
        _app.UseRouting();
        _app.UseRateLimiter();
        _app.MapGet("/slow", async () =>
        {
            Interlocked.Increment(ref _entered);
            await _release.Task;
            return "done";
        });
        _app.MapGet("/fast", static () => "fast");
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address), Timeout = s_timeout };
    }

    private async Task WaitForEnteredAsync(int count)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        while (Volatile.Read(ref _entered) < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cts.Token);
        }
    }

    [Fact]
    public async Task RoutePartition_SecondConcurrentRequestToSlowRoute_Gets503_OtherRoutesServed()
    {
        using var client = await StartAsync();
        var first = client.GetAsync(new Uri("/slow", UriKind.Relative));
        await WaitForEnteredAsync(1);

        using var second = await client.GetAsync(new Uri("/slow", UriKind.Relative));
        using var fast = await client.GetAsync(new Uri("/fast", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        _release.SetResult();
        using var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task Bbr_HighCpuAndTooManyInFlight_Sheds503WithRetryAfter()
    {
        using var client = await StartAsync();
        var bbr = _app!.Services.GetRequiredService<BbrRateLimiter>();
        bbr.Update(new BbrOptions { CpuThreshold = 800, CoolDown = TimeSpan.FromSeconds(2) });
        _app.Services.GetRequiredService<IsolationLimiters>().Update(new IsolationOptions());   // no route limit
        var inFlight = new[] { client.GetAsync(new Uri("/slow", UriKind.Relative)), client.GetAsync(new Uri("/slow", UriKind.Relative)) };
        await WaitForEnteredAsync(2);
        _cpu.Usage = 950;   // two in flight > maxInFlight 0 of an empty window, and > 1

        using var shed = await client.GetAsync(new Uri("/fast", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("2", shed.Headers.GetValues("Retry-After").Single());
        // The middleware tries AttemptAcquire, then AcquireAsync, before it rejects: BBR is asked twice.
        Assert.Equal(2, bbr.ShedCount);
        _cpu.Usage = 0;
        _release.SetResult();
        foreach (var request in inFlight)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
