using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Leadership;
using Xunit.Abstractions;

namespace RedBook.FunctionalTests.Leadership;

/// <summary>
/// Leader election and the job host against a real etcd: several replicas (in-process hosts and a child process),
/// exactly one leads and runs the job; a dead, revoked, resigned or partitioned leader is replaced, and never while it
/// still acts (checked on the terms every replica held and the runs every replica made, on one machine's clock).
/// </summary>
[Collection(EtcdCollection.Name)]
public sealed class LeaderElectionTests(EtcdFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly WorkLog _log = new();
    private readonly string _service = "jobs-" + Guid.NewGuid().ToString("N")[..8];

    private string Key => LeaderElectionConstants.KeyOf(_service, LeaderElectionConstants.DefaultElection);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    private async Task<ElectionTestHost> StartHostAsync(string instance, TimeSpan ttl, string? endpoint = null)
    {
        var host = await ElectionTestHost.StartAsync(endpoint ?? fixture.Etcd.Endpoint, _service, instance, _log, ttl);
        _disposables.Add(host);
        return host;
    }

    private static async Task<ElectionTestHost> LeaderAmongAsync(IReadOnlyList<ElectionTestHost> hosts, string what)
    {
        ElectionTestHost? leader = null;
        await Poll.UntilAsync(() => (leader = hosts.SingleOrDefault(h => h.Election.Current is not null)) is not null, what, TimeSpan.FromSeconds(30));
        return leader!;
    }

    private async Task UntilRunsAsync(string instance, int count) =>
        await Poll.UntilAsync(() => _log.Runs.Count(r => r.Instance == instance) >= count, $"{instance} ran the job {count} times", TimeSpan.FromSeconds(30));

    private void AssertGuarantees(IEnumerable<HeldTerm> terms)
    {
        var all = terms.ToList();
        output.WriteLine(string.Join(Environment.NewLine, all.OrderBy(t => t.AcquiredAt).Select(t => $"term {t.Term}: {t.Instance} {t.AcquiredAt:HH:mm:ss.fff} – {t.LostAt:HH:mm:ss.fff}")));
        output.WriteLine($"{_log.Runs.Count} runs: {string.Join(", ", _log.Runs.GroupBy(r => r.Instance).Select(g => $"{g.Key} {g.Count()}"))}");
        WorkLog.AssertOneLeaderAtATime(all);
        _log.AssertRunsOnlyOnTheLeader(all);
    }

    [Fact]
    public async Task Election_ThreeReplicas_ExactlyOneLeadsAndOnlyItRunsTheJob()
    {
        using var client = fixture.Etcd.CreateClient();
        var hosts = new[] { await StartHostAsync("a", TimeSpan.FromSeconds(4)), await StartHostAsync("b", TimeSpan.FromSeconds(4)), await StartHostAsync("c", TimeSpan.FromSeconds(4)) };

        var leader = await LeaderAmongAsync(hosts, "one replica leads");
        await UntilRunsAsync(leader.Instance, 5);

        var key = (await client.RangeAsync(Key, prefix: false, CancellationToken.None)).Kvs.Single();
        Assert.Equal(leader.Instance, System.Text.Encoding.UTF8.GetString(key.Value));
        Assert.Equal(key.CreateRevision, leader.Election.Current!.Term);
        Assert.Equal(leader.Elector.LeaseId, key.Lease);
        Assert.Single(hosts, h => h.Election.Current is not null);
        AssertGuarantees(hosts.SelectMany(h => h.Terms));
        Assert.All(_log.Runs, r => Assert.Equal(leader.Instance, r.Instance));
    }

    [Fact]
    public async Task Election_LeaderStopsGracefully_SuccessorTakesOverAtOnceNotAfterTheTtl()
    {
        var ttl = TimeSpan.FromSeconds(10);
        var hosts = new[] { await StartHostAsync("a", ttl), await StartHostAsync("b", ttl), await StartHostAsync("c", ttl) };
        var leader = await LeaderAmongAsync(hosts, "one replica leads");
        await UntilRunsAsync(leader.Instance, 3);
        var others = hosts.Where(h => h != leader).ToList();

        await leader.StopAsync();
        var successor = await LeaderAmongAsync(others, "a follower takes over");

        var resigned = leader.Terms[^1];
        var handover = successor.Election.Current!.AcquiredAt - resigned.LostAt!.Value;
        output.WriteLine($"handover after a graceful stop: {handover.TotalMilliseconds:F0} ms (TTL {ttl})");
        Assert.True(handover < ttl / 2, $"the handover took {handover}: the successor waited for the lease to expire instead of the revoke");
        await UntilRunsAsync(successor.Instance, 3);
        AssertGuarantees(hosts.SelectMany(h => h.Terms));
    }

    [Fact]
    public async Task Election_LeaseRevokedInEtcd_LeaderStepsDownAndAnotherLeads()
    {
        using var client = fixture.Etcd.CreateClient();
        var hosts = new[] { await StartHostAsync("a", TimeSpan.FromSeconds(4)), await StartHostAsync("b", TimeSpan.FromSeconds(4)) };
        var leader = await LeaderAmongAsync(hosts, "one replica leads");
        await UntilRunsAsync(leader.Instance, 3);
        var first = leader.Election.Current!;

        await client.RevokeLeaseAsync(leader.Elector.LeaseId, CancellationToken.None);

        await Poll.UntilAsync(() => first.IsLost, "the leader sees its key deleted", TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => hosts.Any(h => h.Election.Current is { } t && t.Term > first.Term), "a new term begins", TimeSpan.FromSeconds(30));
        var next = hosts.Single(h => h.Election.Current is not null);
        await UntilRunsAsync(next.Instance, _log.Runs.Count(r => r.Instance == next.Instance) + 2);
        AssertGuarantees(hosts.SelectMany(h => h.Terms));
    }

    [Fact]
    public async Task Election_LeaderProcessKilled_AnotherTakesOverWithinOneTtl()
    {
        var ttl = TimeSpan.FromSeconds(4);
        var child = await JobClientProcess.StartAsync(fixture.Etcd.Endpoint, _service, "child", _log, ttl);
        _disposables.Add(child);
        await Poll.UntilAsync(() => child.Terms.Count == 1, "the child process leads", TimeSpan.FromSeconds(30));
        var hosts = new[] { await StartHostAsync("a", ttl), await StartHostAsync("b", ttl) };
        await UntilRunsAsync("child", 3);
        Assert.All(hosts, h => Assert.Null(h.Election.Current));

        var killedAt = DateTimeOffset.UtcNow;
        await child.KillAsync();
        var successor = await LeaderAmongAsync(hosts, "an in-process replica takes over");

        // The lease was last renewed at most TTL/3 before the kill; etcd checks for expired leases every 500 ms.
        var handover = successor.Election.Current!.AcquiredAt - killedAt;
        output.WriteLine($"handover after SIGKILL: {handover.TotalMilliseconds:F0} ms (TTL {ttl}); {child.Diagnostics}");
        Assert.True(handover <= ttl + TimeSpan.FromSeconds(2), $"the handover took {handover}, more than one TTL ({ttl}) and etcd's expiry tick");
        Assert.True(handover >= ttl - (ttl / 3) - TimeSpan.FromMilliseconds(500), $"the handover took only {handover}: before the dead leader's lease could expire");
        await UntilRunsAsync(successor.Instance, 2);
        var childTerm = child.Terms.Single();
        AssertGuarantees(hosts.SelectMany(h => h.Terms).Append(childTerm with { LostAt = killedAt }));
    }

    [Fact]
    public async Task Election_LeaderPartitioned_StopsLeadingBeforeTheSuccessorStarts()
    {
        var ttl = TimeSpan.FromSeconds(5);
        await using var proxy = new FreezableProxy(new Uri(fixture.Etcd.Endpoint));
        var partitioned = await StartHostAsync("a", ttl, proxy.Endpoint);
        await Poll.UntilAsync(() => partitioned.Election.Current is not null, "the replica behind the proxy leads", TimeSpan.FromSeconds(30));
        var hosts = new[] { partitioned, await StartHostAsync("b", ttl), await StartHostAsync("c", ttl) };
        await UntilRunsAsync("a", 3);
        var first = partitioned.Election.Current!;

        var frozenAt = DateTimeOffset.UtcNow;
        proxy.Freeze();
        var successor = await LeaderAmongAsync(hosts.Skip(1).ToList(), "a replica with a working connection takes over");

        Assert.True(first.IsLost);
        var second = successor.Election.Current!;
        output.WriteLine($"partitioned leader stepped down {(first.LostAt!.Value - frozenAt).TotalMilliseconds:F0} ms after the freeze ({first.LostReason}); " +
            $"the successor started {(second.AcquiredAt - first.LostAt.Value).TotalMilliseconds:F0} ms after that");
        Assert.True(first.LostAt < second.AcquiredAt, "the successor started before the partitioned leader stopped");
        Assert.True(second.Term > first.Term);
        Assert.True(first.LostAt!.Value - frozenAt <= ttl * LeaderElectionConstants.StepDownFraction + TimeSpan.FromSeconds(1), "the partitioned leader acted for longer than 0.8 TTL after its last renewal");
        await UntilRunsAsync(successor.Instance, 2);
        AssertGuarantees(hosts.SelectMany(h => h.Terms));
    }
}
