using System.Text;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Etcd.Client;
using Xunit.Abstractions;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>The tests that kill and restart etcd (a dedicated member, so the other suites never see the outage).</summary>
[Collection(EtcdOutageCollection.Name)]
public sealed class EtcdOutageTests(EtcdOutageFixture fixture, ITestOutputHelper output)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Discovery_EtcdDown_ClientsKeepCallingKnownEndpointsAndTheInstanceRegistersAgainAfterRestart()
    {
        var service = "outage-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service);
        await using var caller = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, "caller-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(() => caller.DiscoveryContract.GetEndpoints(service).Count == 1, "the caller discovers the server");
        var registrationsBefore = server.Registrar.Registrations;

        await fixture.Etcd.StopAsync();
        var calls = 0;
        var failures = 0;
        var outageEnds = DateTime.UtcNow + TimeSpan.FromSeconds(5); // longer than the 3 s lease TTL
        while (DateTime.UtcNow < outageEnds)
        {
            var endpoints = caller.DiscoveryContract.GetEndpoints(service);
            calls++;
            if (endpoints.Count != 1)
            {
                failures++;
                continue;
            }

            try
            {
                await http.GetStringAsync(endpoints[0].ToUri(Uri.UriSchemeHttp));
            }
            catch (HttpRequestException)
            {
                failures++;
            }

            await Task.Delay(50);
        }

        await fixture.Etcd.StartAsync();
        output.WriteLine($"{calls} resolutions and calls while etcd was down, {failures} failed");
        Assert.Equal(0, failures);
        Assert.True(calls > 10);
        Assert.True(server.Logs.Contains(LogLevel.Warning, "keep-alive failed"), string.Join('\n', server.Logs.Entries));

        using var client = fixture.Etcd.CreateClient();
        await Poll.UntilAsync(
            async () => server.Registrar.Registrations > registrationsBefore && (await client.RangeAsync(server.Registrar.Key!, false, s_none)).Kvs.Count == 1,
            "the server registers again after the restart",
            TimeSpan.FromSeconds(30));
        var lease = (await client.RangeAsync(server.Registrar.Key!, false, s_none)).Kvs.Single().Lease;
        Assert.Equal(server.Registrar.LeaseId, lease);
        Assert.True(await client.KeepAliveOnceAsync(lease, s_none) > TimeSpan.Zero);
        await Poll.UntilAsync(() => caller.DiscoveryContract.GetEndpoints(service).Count == 1, "the caller still resolves the server");
    }

    [Fact]
    public async Task WatchAsync_EtcdRestarts_ResumesWithoutMissingOrRepeatingARevision()
    {
        var prefix = "/outage/watch/" + Guid.NewGuid().ToString("N") + "/";
        using var client = fixture.Etcd.CreateClient();
        var first = await client.PutAsync(prefix + "a", Encoding.UTF8.GetBytes("1"), 0, s_none);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Watch the whole keyspace under "/" so every revision etcd creates shows up: none may be skipped.
        var seen = new List<(long Revision, string? Key)>();
        var watch = Task.Run(async () =>
        {
            await foreach (var update in client.WatchAsync("/", prefix: true, first, cts.Token))
            {
                lock (seen)
                {
                    seen.AddRange(update.Events.Select(e => (e.Kv.ModRevision, e.Kv.Key)));
                }
            }
        });
        var second = await client.PutAsync(prefix + "b", Encoding.UTF8.GetBytes("2"), 0, s_none);
        await Poll.UntilAsync(() => { lock (seen) { return seen.Any(s => s.Revision == second); } }, "the watch sees the second put");

        await fixture.Etcd.StopAsync();
        await fixture.Etcd.StartAsync();
        using var after = fixture.Etcd.CreateClient();
        var third = await after.PutAsync(prefix + "c", Encoding.UTF8.GetBytes("3"), 0, s_none);
        var fourth = await after.PutAsync(prefix + "a", Encoding.UTF8.GetBytes("4"), 0, s_none);
        await Poll.UntilAsync(() => { lock (seen) { return seen.Any(s => s.Revision == fourth); } }, "the watch resumes after the restart", TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);

        List<(long Revision, string? Key)> events;
        lock (seen)
        {
            events = [.. seen];
        }

        var revisions = events.Select(e => e.Revision).Distinct().ToArray();
        output.WriteLine($"revisions seen across the restart: {string.Join(",", revisions)}");
        Assert.Equal(Enumerable.Range((int)first, (int)(fourth - first + 1)).Select(r => (long)r), revisions);
        Assert.Equal(events.Count, events.Distinct().Count());
        Assert.Equal([prefix + "a", prefix + "b", prefix + "c", prefix + "a"], events.Where(e => e.Key!.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Key!).ToArray());
        Assert.Equal([first, second, third, fourth], events.Where(e => e.Key!.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Revision).ToArray());
    }

    [Fact]
    public async Task AddRedBookEtcd_EtcdComesBackWithoutItsData_InstanceRegistersAgainAndWatchersReRead()
    {
        var service = "wiped-" + Guid.NewGuid().ToString("N")[..8];
        using (var seed = fixture.Etcd.CreateClient())
        {
            for (var i = 0; i < 20; i++)
            {
                await seed.PutAsync("/outage/filler", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 0, s_none); // move the revision well past what a fresh store starts at
            }
        }

        await using var server = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service);
        await using var caller = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, "caller-" + Guid.NewGuid().ToString("N")[..8]);
        await Poll.UntilAsync(() => caller.DiscoveryContract.GetEndpoints(service).Count == 1, "the caller discovers the server");

        await fixture.Etcd.RestartEmptyAsync();
        using var client = fixture.Etcd.CreateClient();
        await client.PutAsync($"/redbook/config/{service}/Feature/AfterWipe", Encoding.UTF8.GetBytes("yes"), 0, s_none);

        await Poll.UntilAsync(() => server.App.Configuration["Feature:AfterWipe"] == "yes", "the config watch re-reads the new store", TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(
            async () => (await client.RangeAsync($"/redbook/services/{service}/", true, s_none)).Kvs.Count == 1,
            "the server registers again in the new store",
            TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => caller.DiscoveryContract.GetEndpoints(service).Count == 1, "the caller still (again) resolves the server");
        Assert.True(server.Logs.Contains(LogLevel.Warning, "etcd lost or restored its data"), string.Join('\n', server.Logs.Entries));
    }
}
