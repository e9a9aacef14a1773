using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.Bff.Core;
using RedBook.Bff.Core.Degrade;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Tests.Core.Degrade;

public sealed class PartCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly BffOptions _bff = new();
    private readonly MemoryCopies _copies = new();

    private PartCache<string> Create()
    {
        var degrade = new DegradeOptions { FreshTtl = TimeSpan.Zero, StaleTtl = TimeSpan.FromMinutes(10) };
        var cache = new DegradeCache<string, string>("bff-test", degrade, timeProvider: _time);
        return new PartCache<string>(BffDependency.Feed, cache, _copies, new PartRunner(new Monitor<BffOptions>(_bff), _time), new Monitor<DegradeOptions>(degrade), NullLogger<PartCache<string>>.Instance);
    }

    private static Task<string> Fail(CancellationToken _) =>
        Task.FromException<string>(new RedBookException(new RedBookError(ErrorCode.Unavailable, "REDBOOK_OVERLOADED", "down")) { FromDependency = true });

    [Fact]
    public async Task GetAsync_CallSucceeds_ServesItAndSharesTheCopy()
    {
        var part = Create();

        var result = await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);

        Assert.Equal(("v1", PartSource.Called, false), (result.Value, result.Source, result.IsDegraded));
        Assert.Equal("v1", _copies.Saved["bff-test:k"]);
    }

    [Fact]
    public async Task GetAsync_CallFailsAfterASuccess_ServesThisReplicasCopyDegraded()
    {
        var part = Create();
        await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        var result = await part.GetAsync("k", Fail, CancellationToken.None);

        Assert.Equal(("v1", PartSource.Stale, true), (result.Value, result.Source, result.IsDegraded));
    }

    [Fact]
    public async Task GetAsync_CallFailsWithNoLocalCopy_ServesTheSharedCopyElseNothing()
    {
        var part = Create();
        _copies.Saved["bff-test:shared"] = "from-redis";

        var shared = await part.GetAsync("shared", Fail, CancellationToken.None);
        var none = await part.GetAsync("other", Fail, CancellationToken.None);

        Assert.Equal(("from-redis", PartSource.Copy), (shared.Value, shared.Source));
        Assert.Equal((null, PartSource.None, true), (none.Value, none.Source, none.IsDegraded));
        Assert.NotNull(none.Error);
    }

    [Fact]
    public async Task GetAsync_CopyOlderThanStaleTtl_IsNotServed()
    {
        var part = Create();
        await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);
        _copies.Saved.Clear(); // the shared copy expires with the same TTL (Redis's EX)
        _time.Advance(TimeSpan.FromMinutes(11));

        var result = await part.GetAsync("k", Fail, CancellationToken.None);

        Assert.Equal(PartSource.None, result.Source);
    }

    [Fact]
    public async Task GetAsync_DefinitiveError_IsThrownEvenWithACopy()
    {
        var part = Create();
        await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<RedBookException>(() => part.GetAsync(
            "k", _ => Task.FromException<string>(new RedBookException(new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "gone"))), CancellationToken.None));

        Assert.Equal("FEED_NOTE_NOT_FOUND", error.Error.Reason);
    }

    [Fact]
    public async Task GetAsync_SwitchOn_DoesNotCallAndServesTheCopy()
    {
        var part = Create();
        await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);
        _bff.Degrade.Feed.Force = true;
        var calls = 0;

        var copy = await part.GetAsync("k", _ => { calls++; return Task.FromResult("v2"); }, CancellationToken.None);
        var none = await part.GetAsync("new", _ => { calls++; return Task.FromResult("v2"); }, CancellationToken.None);

        Assert.Equal(0, calls);
        Assert.Equal(("v1", PartSource.Stale), (copy.Value, copy.Source));
        Assert.Equal(PartSource.None, none.Source);
        Assert.Equal(BffErrorReasons.Degraded, Assert.IsType<RedBookException>(none.Error).Error.Reason);
    }

    [Fact]
    public async Task GetAsync_RequestDeadlineLeavesNoTime_DegradesWithoutCalling()
    {
        var part = Create();
        await part.GetAsync("k", _ => Task.FromResult("v1"), CancellationToken.None);
        var calls = 0;

        PartResult<string> result;
        using (RedBook.ServiceDefaults.Deadline.RequestDeadline.Begin(TimeSpan.FromMilliseconds(50), _time))
        {
            // 50 ms left, less the 100 ms compose reserve: nothing for the call.
            result = await part.GetAsync("k", _ => { calls++; return Task.FromResult("v2"); }, CancellationToken.None);
        }

        Assert.Equal(0, calls);
        Assert.Equal(("v1", PartSource.Stale), (result.Value, result.Source));
    }

    private sealed class MemoryCopies : IStaleCopyStore
    {
        public Dictionary<string, object> Saved { get; } = new(StringComparer.Ordinal);

        public void Save<T>(string cache, string key, T value, TimeSpan timeToLive)
            where T : class => Saved[cache + ":" + key] = value;

        public Task<T?> GetAsync<T>(string cache, string key, CancellationToken cancellationToken)
            where T : class => Task.FromResult(Saved.TryGetValue(cache + ":" + key, out var value) ? (T?)value : null);
    }
}

/// <summary>A fixed options monitor.</summary>
internal sealed class Monitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
