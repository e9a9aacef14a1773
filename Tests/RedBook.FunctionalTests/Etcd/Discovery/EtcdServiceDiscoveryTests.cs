using System.Text;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.FunctionalTests.Etcd.Discovery;

[Collection(EtcdCollection.Name)]
public sealed class EtcdServiceDiscoveryTests(EtcdFixture fixture)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static string NewService() => "svc-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Discovery_InstancesRegisterAndLeave_EndpointsFollowAndTheChangeTokenFires()
    {
        var service = NewService();
        await using var observer = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await observer.Discovery.Synced.WaitAsync(TimeSpan.FromSeconds(20));
        var token = observer.DiscoveryContract.GetChangeToken(service);
        Assert.Empty(observer.DiscoveryContract.GetEndpoints(service));

        await using var first = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, new Dictionary<string, string?> { ["RedBook:Service:Color"] = "red" });
        await using var second = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, new Dictionary<string, string?> { ["RedBook:Service:Weight"] = "60" });
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 2, "both instances are discovered");

        Assert.True(token.HasChanged);
        var endpoints = observer.DiscoveryContract.GetEndpoints(service);
        var red = endpoints.Single(e => e.GetColor() == "red");
        var plain = endpoints.Single(e => e.GetColor() is null);
        Assert.Equal(60, plain.GetWeight());
        Assert.Equal(100, red.GetWeight());
        Assert.All(endpoints, e => Assert.NotNull(e.GetInstance()!.RegisteredAt));
        Assert.All(endpoints, e => Assert.Equal(("az1", "1.2.3"), (e.GetInstance()!.Zone, e.GetInstance()!.Version)));
        Assert.Equal([plain], EndpointColorFilter.Filter(endpoints, null));
        Assert.Equal([red], EndpointColorFilter.Filter(endpoints, "red"));

        var before = observer.DiscoveryContract.GetChangeToken(service);
        await first.StopAsync();
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 1, "the stopped instance is gone");
        Assert.True(before.HasChanged);
        Assert.Null(Assert.Single(observer.DiscoveryContract.GetEndpoints(service)).GetColor());
    }

    [Fact]
    public async Task Discovery_GarbageRecords_AreLoggedAndIgnored()
    {
        var service = NewService();
        using var client = fixture.Etcd.CreateClient();
        await using var observer = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await observer.Discovery.Synced.WaitAsync(TimeSpan.FromSeconds(20));

        await client.PutAsync($"/redbook/services/{service}/junk", Encoding.UTF8.GetBytes("{not json"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}/noaddr", Encoding.UTF8.GetBytes("{\"addresses\":[]}"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}/heavy", Encoding.UTF8.GetBytes("{\"addresses\":[\"http://10.0.0.9:80\"],\"weight\":5000}"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}/ftp", Encoding.UTF8.GetBytes("{\"addresses\":[\"ftp://10.0.0.9\"]}"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}", Encoding.UTF8.GetBytes("{\"addresses\":[\"http://10.0.0.9:80\"]}"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}/good", Encoding.UTF8.GetBytes("{\"addresses\":[\"http://10.0.0.7:80\"],\"weight\":10}"), 0, s_none);
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 1, "the good record is discovered");
        await client.PutAsync($"/redbook/services/{service}/good", Encoding.UTF8.GetBytes("garbage over a good record"), 0, s_none);
        await client.PutAsync($"/redbook/services/{service}/marker", Encoding.UTF8.GetBytes("{\"addresses\":[\"http://10.0.0.8:80\"]}"), 0, s_none);
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 2, "a later record is discovered");

        var good = observer.DiscoveryContract.GetEndpoints(service).Single(e => e.GetInstance()!.InstanceId == "good");
        Assert.Equal(("http://10.0.0.7", 10), (good.AddressKey(), good.GetWeight()));
        foreach (var id in new[] { "junk", "noaddr", "heavy", "ftp", "good" })
        {
            Assert.True(observer.Logs.Contains(LogLevel.Warning, $"Ignoring registry entry /redbook/services/{service}/{id}:"), id + "\n" + string.Join('\n', observer.Logs.Entries));
        }

        Assert.True(observer.Logs.Contains(LogLevel.Warning, $"Ignoring registry entry /redbook/services/{service}:"));
        await client.DeleteAsync($"/redbook/services/{service}/", true, s_none);
        await client.DeleteAsync($"/redbook/services/{service}", false, s_none);
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 0, "deleting the keys removes the endpoints");
    }
}
