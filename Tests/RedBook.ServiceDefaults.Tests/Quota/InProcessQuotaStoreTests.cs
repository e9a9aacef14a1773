using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Tests.Bbr;

namespace RedBook.ServiceDefaults.Tests.Quota;

public class InProcessQuotaStoreTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TestOptionsMonitor<QuotaOptions> _options = new(new QuotaOptions { Capacity = 120 });

    private InProcessQuotaStore CreateStore() => new(_options, _time);

    private static async Task<double> Ask(InProcessQuotaStore store, string client, double wants, double has = 0)
        => (await store.AcquireAsync(new QuotaRequest("r", client, wants, has))).Granted;

    [Fact]
    public async Task AcquireAsync_SingleClient_GetsMinOfWantsAndCapacity()
    {
        var store = CreateStore();

        Assert.Equal(50, await Ask(store, "a", 50));
        Assert.Equal(120, await Ask(store, "a", 500));
    }

    [Fact]
    public async Task AcquireAsync_LeaseTimes_FollowOptions()
    {
        var store = CreateStore();

        var lease = await store.AcquireAsync(new QuotaRequest("r", "a", 5, 0));

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), lease.Expiry);
        Assert.Equal(TimeSpan.FromSeconds(15), lease.RefreshInterval);
    }

    [Fact]
    public async Task AcquireAsync_DoormanClientsRefreshing_ConvergeToFairShareWithoutOvercommit()
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
            }
        }

        Assert.Equal(60, has["c0"], 9);
        Assert.Equal(50, has["c1"], 9);
        Assert.Equal(10, has["c2"], 9);
    }

    [Fact]
    public async Task AcquireAsync_ProportionalAlgorithm_ConvergesToProportionalShare()
    {
        _options.Set(new QuotaOptions { Capacity = 120, Algorithm = QuotaAlgorithm.ProportionalShare });
        var store = CreateStore();
        var has = new Dictionary<string, double>();

        for (var round = 0; round < 3; round++)
        {
            foreach (var (id, wants) in new[] { ("c0", 1000.0), ("c1", 50.0), ("c2", 10.0) })
            {
                has[id] = await Ask(store, id, wants, has.GetValueOrDefault(id));
            }
        }

        Assert.Equal(69.69072165, has["c0"], 6);
        Assert.Equal(40.309278351, has["c1"], 6);
    }

    [Fact]
    public async Task AcquireAsync_ExpiredLease_IsReclaimed()
    {
        var store = CreateStore();
        Assert.Equal(100, await Ask(store, "old", 100));
        Assert.Equal(20, await Ask(store, "new", 100)); // only 20 left

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(store.GetLeases("r"), l => l.ClientId == "old");
        Assert.Equal(20, await Ask(store, "new", 100, 20)); // "old" still holds its 100 (it wants all of it too)

        _time.Advance(TimeSpan.FromSeconds(1)); // "old" expires at exactly 60 s

        Assert.Equal(100, await Ask(store, "new", 100, 20));
        Assert.DoesNotContain(store.GetLeases("r"), l => l.ClientId == "old");
    }

    [Fact]
    public async Task ReleaseAsync_FreesCapacityAtOnce()
    {
        var store = CreateStore();
        await Ask(store, "a", 120);

        await store.ReleaseAsync("r", "a");

        Assert.Equal(120, await Ask(store, "b", 500));
    }

    [Theory]
    [InlineData("", "a", 1.0, 0.0)]
    [InlineData("r", " ", 1.0, 0.0)]
    [InlineData("r", "a", -1.0, 0.0)]
    [InlineData("r", "a", double.NaN, 0.0)]
    [InlineData("r", "a", 1.0, double.PositiveInfinity)]
    public async Task AcquireAsync_InvalidRequest_ThrowsInvalidArgument(string resource, string client, double wants, double has)
    {
        var store = CreateStore();

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await store.AcquireAsync(new QuotaRequest(resource, client, wants, has)));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Equal(QuotaConstants.InvalidRequestReason, ex.Error.Reason);
    }

    [Fact]
    public async Task AcquireAsync_CapacityChangedByConfiguration_AppliesOnNextRequest()
    {
        var store = CreateStore();
        Assert.Equal(120, await Ask(store, "a", 500));

        _options.Set(new QuotaOptions { Capacity = 30 });

        Assert.Equal(30, await Ask(store, "a", 500, 120));
    }
}
