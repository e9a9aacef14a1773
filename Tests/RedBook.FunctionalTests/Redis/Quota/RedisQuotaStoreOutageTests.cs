using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;
using RedBook.Testing;
using StackExchange.Redis;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>The Redis store and the quota client when redis-server goes away and comes back (each test has its own server).</summary>
#pragma warning disable CA1001 // The server and the connection are disposed by xunit through IAsyncLifetime.DisposeAsync.
public sealed class RedisQuotaStoreOutageTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan s_generous = TimeSpan.FromSeconds(20);
    private readonly RedisServerProcess _redis = new();
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        var options = ConfigurationOptions.Parse(_redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AcquireAsync_RedisDown_ThrowsUnavailableWithinTheTimeout()
    {
        var store = CreateStore(new QuotaOptions { Capacity = 120 });
        Assert.Equal(50, (await store.AcquireAsync(new QuotaRequest("r", "a", 50, 0))).Granted);

        await _redis.StopAsync();

        // Whether the multiplexer has noticed yet (fails at once) or not (the call waits for the 500 ms timeout),
        // the answer is Unavailable, well before the generous limit.
        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<RedBookException>(() => store.AcquireAsync(new QuotaRequest("r", "a", 50, 50)).AsTask().WaitAsync(s_generous));
            Assert.Equal((ErrorCode.Unavailable, RedisQuotaConstants.UnavailableReason), (ex.Error.Code, ex.Error.Reason));
        }

        var release = await Assert.ThrowsAsync<RedBookException>(() => store.ReleaseAsync("r", "a").AsTask().WaitAsync(s_generous));
        Assert.Equal(ErrorCode.Unavailable, release.Error.Code);
    }

    [Fact]
    public async Task AcquireAsync_RedisRestartedEmpty_RecoversAndLoadsTheScriptAgain()
    {
        var store = CreateStore(new QuotaOptions { Capacity = 120 });
        Assert.Equal(100, (await store.AcquireAsync(new QuotaRequest("r", "a", 100, 0))).Granted);

        await _redis.StopAsync();
        await _redis.StartAsync();

        // The restarted server has neither the leases nor the script; once reconnected the store answers again.
        double? granted = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                granted = (await store.AcquireAsync(new QuotaRequest("r", "b", 120, 0))).Granted;
                return true;
            }
            catch (RedBookException ex) when (ex.Error.Code == ErrorCode.Unavailable)
            {
                return false;
            }
        }, "the store answers after the restart", TimeSpan.FromSeconds(60));

        Assert.Equal(120, granted);
    }

    [Fact]
    public async Task QuotaRateLimiter_RedisDownThenBack_KeepsTheLeaseDegradesAndLeasesAgain()
    {
        var options = new QuotaOptionsSource(new QuotaOptions
        {
            Capacity = 120,
            LeaseLength = TimeSpan.FromSeconds(2),
            RefreshInterval = TimeSpan.FromMilliseconds(200),
            StaticLimit = 3,
            InitialWants = 40,
            MinBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
        });
        var store = new RedisQuotaStore(_connection, options, new RedisQuotaStoreOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        using var limiter = new QuotaRateLimiter("r", "client", store, options);
        await Poll.UntilAsync(() => limiter.Mode == QuotaMode.Leased, "the first lease");

        await _redis.StopAsync();
        await Poll.UntilAsync(() => limiter.Mode == QuotaMode.Degraded, "degraded once the lease expired", TimeSpan.FromSeconds(60));
        Assert.Equal(3, limiter.CurrentLimit);
        var error = Assert.IsType<RedBookException>(limiter.LastError);
        Assert.Equal(ErrorCode.Unavailable, error.Error.Code);

        await _redis.StartAsync();
        await Poll.UntilAsync(() => limiter.Mode == QuotaMode.Leased, "leased again after Redis came back", TimeSpan.FromSeconds(60));
    }

    private RedisQuotaStore CreateStore(QuotaOptions options) =>
        new(_connection, new QuotaOptionsSource(options), new RedisQuotaStoreOptions { Timeout = TimeSpan.FromMilliseconds(500) });
}
