using Microsoft.Extensions.Time.Testing;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Tests.Bbr;

namespace RedBook.ServiceDefaults.Tests.Degrade;

public class DegradeCacheTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TestOptionsMonitor<DegradeOptions> _options = new(new DegradeOptions { FreshTtl = TimeSpan.FromSeconds(10), StaleTtl = TimeSpan.FromMinutes(5) });
    private int _calls;

    private DegradeCache<string, string> Create(Func<string, string>? fallback = null) => new("feed-home", _options, fallback, _time);

    private ValueTask<string> Ok(string key, CancellationToken ct)
    {
        _calls++;
        return ValueTask.FromResult($"{key}#{_calls}");
    }

    private ValueTask<string> Fail(string key, CancellationToken ct)
    {
        _calls++;
        return ValueTask.FromException<string>(new HttpRequestException("dependency down"));
    }

    [Fact]
    public async Task GetOrCallAsync_WithinFreshTtl_ServesCacheWithoutCalling()
    {
        var cache = Create();

        var first = await cache.GetOrCallAsync("u1", Ok);
        _time.Advance(TimeSpan.FromSeconds(9));
        var second = await cache.GetOrCallAsync("u1", Ok);

        Assert.Equal((DegradeSource.Called, "u1#1"), (first.Source, first.Value));
        Assert.Equal((DegradeSource.Fresh, "u1#1", false), (second.Source, second.Value, second.IsDegraded));
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task GetOrCallAsync_PastFreshTtl_CallsAgain()
    {
        var cache = Create();
        await cache.GetOrCallAsync("u1", Ok);

        _time.Advance(TimeSpan.FromSeconds(10));
        var result = await cache.GetOrCallAsync("u1", Ok);

        Assert.Equal((DegradeSource.Called, "u1#2"), (result.Source, result.Value));
    }

    [Fact]
    public async Task GetOrCallAsync_CallFailsWithinStaleTtl_ServesStaleMarkedDegraded()
    {
        var cache = Create(fallback: _ => "default");
        await cache.GetOrCallAsync("u1", Ok);

        _time.Advance(TimeSpan.FromMinutes(4));
        var result = await cache.GetOrCallAsync("u1", Fail);

        Assert.Equal((DegradeSource.Stale, "u1#1", true), (result.Source, result.Value, result.IsDegraded));
        Assert.IsType<HttpRequestException>(result.Error);
    }

    [Fact]
    public async Task GetOrCallAsync_CallFailsPastStaleTtl_ServesFallback()
    {
        var cache = Create(fallback: key => $"popular-for-{key}");
        await cache.GetOrCallAsync("u1", Ok);

        _time.Advance(TimeSpan.FromMinutes(5));
        var result = await cache.GetOrCallAsync("u1", Fail);

        Assert.Equal((DegradeSource.Fallback, "popular-for-u1", true), (result.Source, result.Value, result.IsDegraded));
    }

    [Fact]
    public async Task GetOrCallAsync_CallFailsNothingCachedNoFallback_RethrowsOriginalError()
    {
        var cache = Create();

        await Assert.ThrowsAsync<HttpRequestException>(async () => await cache.GetOrCallAsync("u1", Fail));
    }

    [Fact]
    public async Task GetOrCallAsync_ForceDegradeFlippedByOptions_StopsCallingAndBack()
    {
        var cache = Create(fallback: _ => "default");
        await cache.GetOrCallAsync("u1", Ok);
        _time.Advance(TimeSpan.FromSeconds(30));

        _options.Set(new DegradeOptions { ForceDegrade = true }, "feed-home");
        var stale = await cache.GetOrCallAsync("u1", Ok);
        var fallback = await cache.GetOrCallAsync("u2", Ok);

        Assert.Equal((DegradeSource.Stale, "u1#1"), (stale.Source, stale.Value));
        Assert.Equal((DegradeSource.Fallback, "default"), (fallback.Source, fallback.Value));
        Assert.Null(stale.Error);
        Assert.Equal(1, _calls);

        _options.Set(new DegradeOptions(), "feed-home");
        var called = await cache.GetOrCallAsync("u1", Ok);
        Assert.Equal((DegradeSource.Called, "u1#2"), (called.Source, called.Value));
    }

    [Fact]
    public async Task GetOrCallAsync_ForceDegradeNothingToServe_ThrowsUnavailable()
    {
        var cache = new DegradeCache<string, string>("c", new DegradeOptions { ForceDegrade = true }, null, _time);

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await cache.GetOrCallAsync("u1", Ok));

        Assert.Equal((ErrorCode.Unavailable, DegradeConstants.UnavailableReason), (ex.Error.Code, ex.Error.Reason));
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task GetOrCallAsync_Disabled_PassesThroughWithoutCaching()
    {
        _options.Set(new DegradeOptions { Enabled = false }, "feed-home");
        var cache = Create(fallback: _ => "default");

        var first = await cache.GetOrCallAsync("u1", Ok);
        var second = await cache.GetOrCallAsync("u1", Ok);

        Assert.Equal(("u1#1", "u1#2"), (first.Value, second.Value));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await cache.GetOrCallAsync("u1", Fail));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task GetOrCallAsync_ConcurrentMisses_ShareOneCall()
    {
        var cache = Create();
        var gate = new TaskCompletionSource<string>();
        var calls = 0;

        var tasks = Enumerable.Range(0, 10).Select(_ => cache.GetOrCallAsync("u1", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return new ValueTask<string>(gate.Task);
        }).AsTask()).ToArray();
        gate.SetResult("shared");
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal((DegradeSource.Called, "shared"), (r.Source, r.Value)));
    }

    [Fact]
    public async Task GetOrCallAsync_CallerCancels_PropagatesCancellation()
    {
        var cache = Create(fallback: _ => "default");
        using var cts = new CancellationTokenSource();
        var never = new TaskCompletionSource<string>();

        var task = cache.GetOrCallAsync("u1", (_, ct) => new ValueTask<string>(never.Task.WaitAsync(ct)), cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task Store_OverMaxEntries_EvictsOldestFirst()
    {
        var cache = new DegradeCache<string, string>("c", new DegradeOptions { MaxEntries = 3 }, null, _time);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            await cache.GetOrCallAsync(key, Ok);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, cache.Count);
        var a = await cache.GetOrCallAsync("a", Ok);
        Assert.Equal(DegradeSource.Called, a.Source); // "a" was evicted, so it is called again
    }

    [Fact]
    public void ApplyOptions_StaleShorterThanFresh_ThrowsValidationException()
    {
        var cache = Create();

        Assert.Throws<ValidationException>(() => cache.ApplyOptions(new DegradeOptions { FreshTtl = TimeSpan.FromMinutes(2), StaleTtl = TimeSpan.FromMinutes(1) }));
    }

    [Fact]
    public async Task AddRedBookDegradeCache_ConfigurationSwitch_FlipsForceDegradeLive()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Degrade:feed-home:FreshTtl"] = "00:00:05",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddSingleton<TimeProvider>(_time)
            .AddRedBookDegradeCache<string, string>("feed-home", fallback: _ => "popular")
            .BuildServiceProvider();

        // The README snippet's code path.
        var cache = services.GetRequiredKeyedService<DegradeCache<string, string>>("feed-home");
        var result = await cache.GetOrCallAsync("u1", static (key, ct) => ValueTask.FromResult($"timeline of {key}"));
        Assert.Equal((DegradeSource.Called, false), (result.Source, result.IsDegraded));

        config["RedBook:Degrade:feed-home:ForceDegrade"] = "true";
        config.Reload();
        _time.Advance(TimeSpan.FromSeconds(6));
        var degraded = await cache.GetOrCallAsync("u2", static (key, ct) => ValueTask.FromResult($"timeline of {key}"));

        Assert.Equal((DegradeSource.Fallback, "popular"), (degraded.Source, degraded.Value));
    }
}
