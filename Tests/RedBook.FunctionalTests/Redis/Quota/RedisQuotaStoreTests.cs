using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;
using StackExchange.Redis;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>The Lua script's behaviour against a real redis-server: shares, leases, release, expiry, errors, atomicity.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisQuotaStoreTests(RedisFixture fixture)
{
    private const string Resource = "r";
    private readonly QuotaOptionsSource _options = new(new QuotaOptions { Capacity = 120 });
    private readonly string _prefix = $"test:{Guid.NewGuid():N}:";

    private IDatabase Db => fixture.Connection.GetDatabase();

    private RedisKey Key => _prefix + Resource;

    private RedisQuotaStore CreateStore(TimeProvider? time = null) =>
        new(fixture.Connection, _options, new RedisQuotaStoreOptions { KeyPrefix = _prefix, Timeout = TimeSpan.FromSeconds(10) }, time);

    private static async Task<double> Ask(RedisQuotaStore store, string client, double wants, double has = 0)
        => (await store.AcquireAsync(new QuotaRequest(Resource, client, wants, has))).Granted;

    private static async Task<double> ServerTotal(RedisQuotaStore store) => (await store.GetLeasesAsync(Resource)).Sum(l => l.Granted);

    [Fact]
    public async Task AcquireAsync_SingleClient_GetsMinOfWantsAndCapacity()
    {
        var store = CreateStore();

        Assert.Equal(50, await Ask(store, "a", 50));
        Assert.Equal(120, await Ask(store, "a", 500));
        Assert.Equal(0, await Ask(store, "a", 0));
    }

    [Fact]
    public async Task AcquireAsync_DoormanExampleFairShare_ConvergesTo60_50_10WithoutOvercommit()
    {
        var store = CreateStore();
        (string Id, double Wants)[] clients = [("c0", 1000), ("c1", 50), ("c2", 10)];
        var has = new Dictionary<string, double>();

        for (var round = 0; round < 3; round++)
        {
            foreach (var (id, wants) in clients)
            {
                has[id] = await Ask(store, id, wants, has.GetValueOrDefault(id));
                Assert.True(has.Values.Sum() <= 120 + 1e-9, $"over-committed: {has.Values.Sum()}");
                Assert.True(await ServerTotal(store) <= 120 + 1e-9, "the server's leases over-commit");
            }
        }

        Assert.Equal(60, has["c0"], 9);
        Assert.Equal(50, has["c1"], 9);
        Assert.Equal(10, has["c2"], 9);
        var leases = (await store.GetLeasesAsync(Resource)).ToDictionary(l => l.ClientId, l => l.Granted);
        Assert.Equal(has, leases);
    }

    [Fact]
    public async Task AcquireAsync_DoormanExampleProportionalShare_ConvergesTo69_69_40_31_10()
    {
        _options.SetDefaults(new QuotaOptions { Capacity = 120, Algorithm = QuotaAlgorithm.ProportionalShare });
        var store = CreateStore();
        var has = new Dictionary<string, double>();

        for (var round = 0; round < 3; round++)
        {
            foreach (var (id, wants) in new[] { ("c0", 1000.0), ("c1", 50.0), ("c2", 10.0) })
            {
                has[id] = await Ask(store, id, wants, has.GetValueOrDefault(id));
                Assert.True(await ServerTotal(store) <= 120 + 1e-9, "the server's leases over-commit");
            }
        }

        Assert.Equal(69.69072165, has["c0"], 6);
        Assert.Equal(40.309278351, has["c1"], 6);
        Assert.Equal(10, has["c2"], 9);
    }

    [Fact]
    public async Task AcquireAsync_NewClient_GetsOnlyWhatTheOthersDoNotHold()
    {
        var store = CreateStore();
        Assert.Equal(100, await Ask(store, "old", 100));

        // Fair share would be 60 each, but "old" still holds 100 until it refreshes.
        Assert.Equal(20, await Ask(store, "new", 100));
        Assert.Equal(60, await Ask(store, "old", 100, 100));
        Assert.Equal(60, await Ask(store, "new", 100, 20));
    }

    [Fact]
    public async Task AcquireAsync_Lease_ExpiresOneLeaseLengthAfterSendingOnTheCallersClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = CreateStore(time);

        var lease = await store.AcquireAsync(new QuotaRequest(Resource, "a", 5, 0));

        // The caller's clock (here years off the server's) only dates the lease it hands back.
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(60), lease.Expiry);
        Assert.Equal(TimeSpan.FromSeconds(15), lease.RefreshInterval);
        var ttl = await Db.KeyTimeToLiveAsync(Key);
        Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromSeconds(60), $"TTL {ttl}");

        _options.SetDefaults(new QuotaOptions { Capacity = 120, LeaseLength = TimeSpan.FromSeconds(10), RefreshInterval = TimeSpan.FromSeconds(30) });
        lease = await store.AcquireAsync(new QuotaRequest(Resource, "a", 5, 5));
        Assert.Equal(TimeSpan.FromSeconds(5), lease.RefreshInterval);
    }

    [Fact]
    public async Task AcquireAsync_Key_ExpiresWithTheLastLeaseOfAnyClient()
    {
        var store = CreateStore();
        await Ask(store, "long", 10);
        _options.SetDefaults(new QuotaOptions { Capacity = 120, LeaseLength = TimeSpan.FromSeconds(5) });

        await Ask(store, "short", 10);

        // "long" holds its lease for about 60 s, so the key outlives "short"'s 5 s lease.
        var ttl = await Db.KeyTimeToLiveAsync(Key);
        Assert.True(ttl is { } t && t > TimeSpan.FromSeconds(5) && t <= TimeSpan.FromSeconds(60), $"TTL {ttl}");
        Assert.Equal("long", Assert.Single(await store.GetLeasesAsync(Resource), l => l.Expiry - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(10)).ClientId);
    }

    [Fact]
    public async Task ReleaseAsync_FreesCapacityAtOnce()
    {
        var store = CreateStore();
        await Ask(store, "a", 120);

        await store.ReleaseAsync(Resource, "a");

        Assert.False(await Db.HashExistsAsync(Key, "a"));
        Assert.Equal(120, await Ask(store, "b", 500));
    }

    [Fact]
    public async Task AcquireAsync_LiveLease_IsKeptWhileItLasts()
    {
        var store = CreateStore();
        Assert.Equal(100, await Ask(store, "old", 100));

        // 60 s leases: "old" stays live for this whole test, so "new" keeps getting only the rest.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(20, await Ask(store, "new", 100, 20));
        }

        Assert.Contains(await store.GetLeasesAsync(Resource), l => l.ClientId == "old" && l.Granted == 100);
    }

    [Fact]
    public async Task AcquireAsync_ExpiredLease_IsReclaimedOnTheServersClock()
    {
        var store = CreateStore();
        _options.SetDefaults(new QuotaOptions { Capacity = 120, LeaseLength = TimeSpan.FromSeconds(1) });
        Assert.Equal(100, await Ask(store, "old", 100));
        _options.SetDefaults(new QuotaOptions { Capacity = 120 });

        // "old" never refreshes: one second later by the server's clock its 100 go back to the pool.
        await Poll.UntilAsync(async () => await Ask(store, "new", 100) == 100, "the expired lease is reclaimed");

        Assert.False(await Db.HashExistsAsync(Key, "old"));
        Assert.Equal("new", Assert.Single(await store.GetLeasesAsync(Resource)).ClientId);
    }

    [Fact]
    public async Task AcquireAsync_CapacityChangedByConfiguration_AppliesOnNextRequest()
    {
        var store = CreateStore();
        Assert.Equal(120, await Ask(store, "a", 500));

        _options.SetDefaults(new QuotaOptions { Capacity = 30 });

        Assert.Equal(30, await Ask(store, "a", 500, 120));
    }

    [Theory]
    [InlineData("", "a", 1.0, 0.0)]
    [InlineData("r", " ", 1.0, 0.0)]
    [InlineData("r", "a", -1.0, 0.0)]
    [InlineData("r", "a", double.NaN, 0.0)]
    [InlineData("r", "a", 1.0, double.PositiveInfinity)]
    public async Task AcquireAsync_InvalidRequest_ThrowsInvalidArgumentAndWritesNothing(string resource, string client, double wants, double has)
    {
        var store = CreateStore();

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await store.AcquireAsync(new QuotaRequest(resource, client, wants, has)));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Equal(QuotaConstants.InvalidRequestReason, ex.Error.Reason);
        Assert.False(await Db.KeyExistsAsync(Key));
    }

    [Fact]
    public async Task AcquireAsync_MisconfiguredResource_ThrowsInvalidArgument()
    {
        _options.MarkInvalid(Resource);
        var store = CreateStore();

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await Ask(store, "a", 1));

        Assert.Equal((ErrorCode.InvalidArgument, QuotaConstants.InvalidRequestReason), (ex.Error.Code, ex.Error.Reason));
    }

    [Theory]
    [InlineData("a", "nan", "120", "fair", "60000000")]
    [InlineData("a", "-1", "120", "fair", "60000000")]
    [InlineData("a", "lots", "120", "fair", "60000000")]
    [InlineData("a", "inf", "120", "fair", "60000000")]
    [InlineData("a", "1e400", "120", "fair", "60000000")]
    [InlineData("a", "5", "-120", "fair", "60000000")]
    [InlineData("a", "5", "120", "round-robin", "60000000")]
    [InlineData("a", "5", "120", "fair", "0")]
    [InlineData("a", "5", "120", "fair", "1.5")]
    [InlineData("a", "5", "120", "fair", "86400000001")]
    [InlineData("", "5", "120", "fair", "60000000")]
    [InlineData("  ", "5", "120", "fair", "60000000")]
    public async Task AcquireScript_InvalidArgument_RepliesInvalidRequestAndWritesNothing(string client, string wants, string capacity, string algorithm, string leaseMicros)
    {
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => RedisQuotaStore.AcquireScript.EvaluateAsync(Db, new
        {
            key = Key,
            client,
            wants,
            capacity,
            algorithm,
            lease_us = leaseMicros,
        }));

        Assert.StartsWith(QuotaConstants.InvalidRequestReason, ex.Message, StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(Key));
    }

    [Fact]
    public async Task AcquireScript_ValidArguments_RepliesTheGrantAsExactDecimalText()
    {
        var reply = await RedisQuotaStore.AcquireScript.EvaluateAsync(Db, new
        {
            key = Key,
            client = "a",
            wants = (0.1).ToString("R", CultureInfo.InvariantCulture),
            capacity = "120",
            algorithm = "fair",
            lease_us = "60000000",
        });

        Assert.Equal(0.1, double.Parse((string)reply!, CultureInfo.InvariantCulture));
        var stored = ((string?)await Db.HashGetAsync(Key, "a"))!.Split(' ');
        Assert.Equal((0.1, 0.1), (double.Parse(stored[0], CultureInfo.InvariantCulture), double.Parse(stored[1], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task AcquireAsync_UnreadableLease_ThrowsInternalAndLeavesTheStateAsItWas()
    {
        var store = CreateStore();
        await Ask(store, "a", 10);
        await Db.HashSetAsync(Key, "broken", "not a lease");
        var before = await Db.HashGetAllAsync(Key);

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await Ask(store, "b", 10));

        Assert.Equal((ErrorCode.Internal, RedisQuotaConstants.CorruptStateReason), (ex.Error.Code, ex.Error.Reason));
        Assert.Contains("broken", ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(before.OrderBy(e => e.Name.ToString()), (await Db.HashGetAllAsync(Key)).OrderBy(e => e.Name.ToString()));
    }

    [Fact]
    public async Task AcquireAsync_KeyOfAnotherType_ThrowsInternal()
    {
        var store = CreateStore();
        await Db.StringSetAsync(Key, "someone else's value");

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await Ask(store, "a", 10));

        Assert.Equal((ErrorCode.Internal, RedisQuotaConstants.CorruptStateReason), (ex.Error.Code, ex.Error.Reason));
        Assert.Equal("someone else's value", (string?)await Db.StringGetAsync(Key));
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentClients_NeverOvercommit()
    {
        var store = CreateStore();
        var random = new Random(11);
        var clients = Enumerable.Range(0, 16).Select(i => (Id: $"c{i}", Wants: Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 60).ToArray())).ToArray();
        var worst = 0.0;

        await Task.WhenAll(clients.Select(async client =>
        {
            double has = 0;
            foreach (var wants in client.Wants)
            {
                has = (await store.AcquireAsync(new QuotaRequest(Resource, client.Id, wants, has))).Granted;
                var total = await ServerTotal(store);
                lock (clients)
                {
                    worst = Math.Max(worst, total);
                }
            }
        }));

        Assert.True(worst <= 120 + 1e-9, $"the server's leases reached {worst}");
        Assert.Equal(16, (await store.GetLeasesAsync(Resource)).Count);
    }

    [Fact]
    public async Task AcquireAsync_RepeatedCalls_LoadTheScriptOnceThenSendOnlyItsHash()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var store = new RedisQuotaStore(connection, _options, new RedisQuotaStoreOptions { KeyPrefix = _prefix });
        await server.ExecuteAsync("CONFIG", "RESETSTAT");

        for (var i = 0; i < 5; i++)
        {
            await Ask(store, "a", 10 + i);
        }

        // The first call sends SCRIPT LOAD with an EVAL; every later one only the hash (Redis 7 counts
        // subcommands apart: script|load).
        var stats = await CommandStats(server);
        var seen = string.Join(", ", stats.Select(s => $"{s.Key}={s.Value}"));
        Assert.True(stats.GetValueOrDefault("script|load") + stats.GetValueOrDefault("script") == 1, seen);
        Assert.True(stats.GetValueOrDefault("eval") == 1, seen);
        Assert.True(stats.GetValueOrDefault("evalsha") == 4, seen);

        // The server forgets its scripts (as after a restart): NOSCRIPT, then the script is loaded again.
        await server.ScriptFlushAsync();
        Assert.Equal(20, await Ask(store, "a", 20));
    }

    private static async Task<Dictionary<string, long>> CommandStats(IServer server)
    {
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in await server.InfoAsync("commandstats"))
        {
            foreach (var entry in group)
            {
                // cmdstat_evalsha: calls=5,usec=...
                var name = entry.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
                var calls = entry.Value.Split(',')[0].Split('=')[1];
                stats[name] = long.Parse(calls, CultureInfo.InvariantCulture);
            }
        }

        return stats;
    }
}
