using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Leadership;
using RedBook.ServiceDefaults.Tests.Bbr;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Leadership;

/// <summary>
/// The election state machine on a fake clock against <see cref="InMemoryEtcd"/>: who leads, when a leader must stop
/// (measured from the renewal it last sent), how a successor takes over, and that two never lead at once.
/// </summary>
public sealed class LeaseElectorTests : IAsyncDisposable
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryEtcd _etcd;
    private readonly List<LeaseElector> _electors = [];

    public LeaseElectorTests()
    {
        _etcd = new InMemoryEtcd(_time);
    }

    private const string Key = "/redbook/leaders/feed/jobs";

    public async ValueTask DisposeAsync()
    {
        foreach (var elector in _electors)
        {
            elector.Dispose();
        }

        await Task.CompletedTask;
    }

    private async Task<(LeaseElector Elector, InMemoryElectionBackend Client)> StartAsync(string id, TimeSpan? resignTimeout = null)
    {
        var client = _etcd.Client();
        var options = new TestOptionsMonitor<LeaderElectionOptions>(new LeaderElectionOptions { LeaseTtl = s_ttl, ResignTimeout = resignTimeout ?? TimeSpan.FromSeconds(3) });
        var elector = new LeaseElector("jobs", "feed", id, client, options, _time, NullLogger.Instance, lifetime: null, new AtomicRandom(7));
        _electors.Add(elector);
        await elector.StartAsync(CancellationToken.None);

        // ExecuteAsync runs on the thread pool: wait until this candidate has campaigned (it leads or follows).
        await UntilAsync(() => client.IsWatching, $"{id} has campaigned");
        return (elector, client);
    }

    /// <summary>Waits, without advancing the fake clock, until the electors' asynchronous part has caught up.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Yield();
        }
    }

    /// <summary>Advances the fake clock; the timers it fires run the election's code inline, at their fake time.</summary>
    private void Advance(TimeSpan delta) => WithoutSyncContext.Run(() => _time.Advance(delta));

    /// <summary>Advances the fake clock in steps, checking after each that at most one elector leads.</summary>
    private void AdvanceAndCheckSingleLeader(TimeSpan total, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            Advance(step);
            Assert.True(_electors.Count(e => e.Current is not null) <= 1, $"two leaders at {_time.GetUtcNow():O}");
        }
    }

    [Fact]
    public async Task StartAsync_FirstCandidate_LeadsWithTheKeysCreateRevisionAsTerm()
    {
        var (a, _) = await StartAsync("a");
        var (b, _) = await StartAsync("b");

        var term = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);

        var key = _etcd.Get(Key)!;
        Assert.Equal(("a", key.CreateRevision, a.LeaseId), (key.Value, term.Term, key.LeaseId));
        Assert.Equal(("jobs", "a"), (term.Election, term.InstanceId));
        Assert.Null(b.Current);
        Assert.Equal(Key, a.Key);
    }

    [Fact]
    public async Task ResignAsync_Leader_FollowerTakesOverWithoutWaitingForTheTtl()
    {
        var (a, _) = await StartAsync("a");
        var (b, _) = await StartAsync("b");
        var first = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        var before = _time.GetUtcNow();

        await a.ResignAsync(CancellationToken.None);
        var second = await b.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);

        Assert.Equal(before, _time.GetUtcNow());                       // no TTL passed: the revoke deleted the key
        Assert.True(first.IsLost);
        Assert.Equal("resigned", first.LostReason);
        Assert.True(second.Term > first.Term);
        Assert.Equal("b", _etcd.Get(Key)!.Value);
        AdvanceAndCheckSingleLeader(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        Assert.Null(a.Current);                                         // a resigned instance never leads again
    }

    [Fact]
    public async Task ResignAsync_WorkHeld_ReleasesTheKeyOnlyWhenTheWorkStops()
    {
        var (a, _) = await StartAsync("a");
        var (b, _) = await StartAsync("b");
        var term = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        var hold = term.TryHold()!;

        var resign = a.ResignAsync(CancellationToken.None);

        Assert.True(term.LostToken.IsCancellationRequested);             // the work is told to stop at once
        Assert.False(resign.IsCompleted);
        Assert.Equal("a", _etcd.Get(Key)!.Value);                        // but the successor waits for it
        Assert.Null(b.Current);
        Assert.Null(term.TryHold());                                     // and no new work starts

        hold.Dispose();
        await resign.WaitAsync(s_wait);
        await b.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
    }

    [Fact]
    public async Task ResignAsync_WorkNeverStops_ReleasesAfterTheResignTimeout()
    {
        var (a, _) = await StartAsync("a", resignTimeout: TimeSpan.FromSeconds(2));
        var (b, _) = await StartAsync("b");
        var term = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        _ = term.TryHold();

        var resign = a.ResignAsync(CancellationToken.None);
        Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(resign.IsCompleted);
        Advance(TimeSpan.FromMilliseconds(1));

        await resign.WaitAsync(s_wait);
        await b.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
    }

    [Fact]
    public async Task Renewals_EtcdUnreachable_LeaderStepsDownAtFourFifthsOfTheTtlBeforeTheLeaseCanExpire()
    {
        var (a, client) = await StartAsync("a");
        var (b, _) = await StartAsync("b");
        var first = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        client.Network = Network.Down;

        Advance(TimeSpan.FromMilliseconds(7999));
        Assert.False(first.IsLost);
        Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(first.IsLost);
        Assert.Contains("no lease renewal succeeded", first.LostReason, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), first.LostAt);
        Assert.NotNull(_etcd.Get(Key));                                  // etcd still holds the lease: nobody else leads yet
        Assert.Null(b.Current);

        AdvanceAndCheckSingleLeader(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        var second = await b.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        Assert.True(second.AcquiredAt - first.LostAt >= s_ttl * 0.2);    // the margin between the two
        Assert.True(second.Term > first.Term);
    }

    [Fact]
    public async Task Renewals_ConnectionFrozen_LeaderStopsLeadingBeforeTheSuccessorStarts()
    {
        var (a, client) = await StartAsync("a");
        var (b, _) = await StartAsync("b");
        var (c, _) = await StartAsync("c");
        var first = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        Advance(s_ttl / 3);                                        // a renewal succeeds at 3.33 s
        client.Network = Network.Frozen;                                 // every later call hangs

        AdvanceAndCheckSingleLeader(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.True(first.IsLost);
        Assert.Equal(first.AcquiredAt + (s_ttl / 3) + (s_ttl * 0.8), first.LostAt);   // 0.8 TTL after the last good renewal was sent
        var successor = await Task.WhenAny(b.WaitForLeadershipAsync(CancellationToken.None), c.WaitForLeadershipAsync(CancellationToken.None)).Unwrap().WaitAsync(s_wait);
        Assert.Equal(first.AcquiredAt + (s_ttl / 3) + s_ttl, successor.AcquiredAt);   // when etcd expired the lease
        Assert.True(successor.Term > first.Term);
        Assert.Single(_electors, e => e.Current is not null);
    }

    [Fact]
    public async Task Renewals_AnsweredLate_TheLeaseIsTrustedFromWhenTheRenewalWasSent()
    {
        var (a, client) = await StartAsync("a");
        var term = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        client.Latency = TimeSpan.FromSeconds(3);

        Advance(s_ttl / 3);                                        // renewal sent at 3.33 s ...
        Advance(TimeSpan.FromSeconds(3));                          // ... answered at 6.33 s: trusted until 3.33 + 8 = 11.33 s
        Advance(s_ttl / 3);                                        // the next one is sent at 9.67 s, answered at 12.67 s
        Advance(TimeSpan.FromSeconds(5) - (s_ttl / 3) - TimeSpan.FromTicks(1));

        Assert.False(term.IsLost);                                       // 11.33 s less a tick: not 6.33 + 8 = 14.33 s
        Advance(TimeSpan.FromTicks(1));
        Assert.True(term.IsLost);
        Assert.Equal(term.AcquiredAt + (s_ttl / 3) + TimeSpan.FromSeconds(8), term.LostAt);
        Assert.Equal(2, client.KeepAlives);
    }

    [Fact]
    public async Task Renewals_Healthy_LeaderKeepsLeadingAndRenewsEveryThirdOfTheTtl()
    {
        var (a, client) = await StartAsync("a");
        var (b, _) = await StartAsync("b");
        var term = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);

        AdvanceAndCheckSingleLeader(s_ttl / 3 * 180, s_ttl / 3);        // ten minutes

        Assert.Same(term, a.Current);
        Assert.Null(b.Current);
        Assert.Equal(180, client.KeepAlives);
    }

    [Fact]
    public async Task KeyDeleted_WhileLeading_StepsDownAndCampaignsForANewTerm()
    {
        var (a, _) = await StartAsync("a");
        var first = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);

        _etcd.Delete(Key);                                               // an operator's etcdctl del

        Assert.True(first.IsLost);
        Assert.Contains("deleted", first.LostReason, StringComparison.Ordinal);
        var second = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        Assert.True(second.Term > first.Term);
    }

    [Fact]
    public async Task LeaseRevokedInEtcd_LeaderStepsDownAndLeadsAgainOnANewLease()
    {
        var (a, _) = await StartAsync("a");
        var first = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        var lease = a.LeaseId;

        _etcd.Revoke(lease);
        Assert.True(first.IsLost);
        AdvanceAndCheckSingleLeader(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));   // the renewal learns the lease is gone

        var second = await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        Assert.NotEqual(lease, a.LeaseId);
        Assert.True(second.Term > first.Term);
    }

    [Fact]
    public async Task StartAsync_EtcdDown_RetriesAndLeadsOnceItIsBack()
    {
        var client = _etcd.Client();
        client.Network = Network.Down;
        var options = new TestOptionsMonitor<LeaderElectionOptions>(new LeaderElectionOptions { LeaseTtl = s_ttl });
        var elector = new LeaseElector("jobs", "feed", "a", client, options, _time, NullLogger.Instance, lifetime: null, new AtomicRandom(7));
        _electors.Add(elector);
        await elector.StartAsync(CancellationToken.None);
        await UntilAsync(() => client.Grants > 0, "the first grant failed");

        AdvanceAndCheckSingleLeader(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.Null(elector.Current);
        client.Network = Network.Up;
        AdvanceAndCheckSingleLeader(TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(100));  // backoff is at most TTL/3

        await elector.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
    }

    [Fact]
    public async Task StopAsync_Leader_ResignsAndRevokesTheLease()
    {
        var (a, _) = await StartAsync("a");
        await a.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(s_wait);
        var lease = a.LeaseId;

        await a.StopAsync(CancellationToken.None);

        Assert.Null(_etcd.Get(Key));
        Assert.False(_etcd.LeaseExists(lease));
        Assert.True(a.IsResigning);
    }
}
