using Microsoft.Extensions.Time.Testing;
using System.Text;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Etcd.Discovery;

namespace RedBook.ServiceDefaults.Tests.Etcd.Discovery;

public sealed class EtcdServiceDiscoveryProviderTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("/redbook/services/feed/i1", true, "feed", "i1")]
    [InlineData("/redbook/services/feed", false, "", "")]
    [InlineData("/redbook/services/feed/", false, "", "")]
    [InlineData("/redbook/services//i1", false, "", "")]
    [InlineData("/redbook/services/feed/i1/extra", false, "", "")]
    [InlineData("/redbook/config/feed/i1", false, "", "")]
    public void TryParseKey_Keys_AcceptsOnlyNameSlashInstance(string key, bool ok, string service, string instance)
    {
        Assert.Equal(ok, EtcdServiceDiscoveryProvider.TryParseKey(key, out var s, out var i));
        Assert.Equal((service, instance), (s, i));
    }

    [Fact]
    public void TryParseRecord_FullRecord_MapsEveryFieldOntoOneEndpointPerAddress()
    {
        var json = "{\"addresses\":[\"https://10.0.0.4:8443\",\"http://10.0.0.4:8080\"],\"version\":\"1.0\",\"zone\":\"az2\",\"color\":\"red\",\"weight\":30,\"registeredAt\":\"2026-01-01T00:00:10+00:00\"}";

        Assert.True(EtcdServiceDiscoveryProvider.TryParseRecord(Utf8(json), "i1", out var endpoints, out _));

        Assert.Equal([new Uri("https://10.0.0.4:8443"), new Uri("http://10.0.0.4:8080")], endpoints.Select(e => ((UriEndPoint)e.EndPoint).Uri));
        Assert.All(endpoints.Select(e => e.GetInstance()!), e => Assert.Equal(("i1", 30, "az2", "red", "1.0", new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero), (string?)null), (e.InstanceId, e.Weight, e.Zone, e.Color, e.Version, e.RegisteredAt!.Value, e.EndpointName)));
    }

    [Fact]
    public void TryParseRecord_NamedEndpoints_CarryTheirNameBesideTheDefaultAddresses()
    {
        var json = "{\"addresses\":[\"http://10.0.0.4:8080\"],\"endpoints\":{\"grpc\":[\"http://10.0.0.4:8081\"]}}";

        Assert.True(EtcdServiceDiscoveryProvider.TryParseRecord(Utf8(json), "i1", out var endpoints, out _));

        Assert.Equal(
            [("http://10.0.0.4:8080", (string?)null), ("http://10.0.0.4:8081", "grpc")],
            endpoints.Select(e => (e.AddressKey(), e.GetInstance()!.EndpointName)));
    }

    [Fact]
    public void TryParseRecord_OnlyNamedEndpoints_IsAValidRecord()
    {
        Assert.True(EtcdServiceDiscoveryProvider.TryParseRecord(Utf8("{\"endpoints\":{\"grpc\":[\"http://h:1\"]}}"), "i1", out var endpoints, out _));

        Assert.Equal("grpc", Assert.Single(endpoints).GetInstance()!.EndpointName);
    }

    [Fact]
    public void TryParseRecord_MinimalRecord_DefaultsWeightAndLeavesTheRestUnset()
    {
        Assert.True(EtcdServiceDiscoveryProvider.TryParseRecord(Utf8("{\"addresses\":[\"http://h:1\"],\"color\":\"\"}"), "i1", out var endpoints, out _));

        var endpoint = Assert.Single(endpoints).GetInstance()!;
        Assert.Equal((100, null, null, null), (endpoint.Weight, endpoint.Color, endpoint.Zone, endpoint.RegisteredAt));
    }

    [Theory]
    [InlineData("not json", "not a registration record")]
    [InlineData("[1,2]", "not a registration record")]
    [InlineData("{}", "no address")]
    [InlineData("{\"addresses\":[\"h:1\"]}", "not an absolute http(s) URL")]
    [InlineData("{\"addresses\":[\"http://h:1\"],\"weight\":0}", "outside 1..1000")]
    [InlineData("{\"addresses\":[\"http://h:1\"],\"weight\":\"heavy\"}", "not a registration record")]
    [InlineData("{\"endpoints\":{\"grpc\":[]}}", "no address")]
    [InlineData("{\"endpoints\":{\"grpc\":[\"h:1\"]}}", "not an absolute http(s) URL")]
    public void TryParseRecord_Garbage_IsRejectedWithAReason(string json, string reason)
    {
        Assert.False(EtcdServiceDiscoveryProvider.TryParseRecord(Utf8(json), "i1", out var endpoints, out var problem));

        Assert.Empty(endpoints);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}

public sealed class EtcdServiceDiscoveryProviderSyncTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly Client.FakeEtcdHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    [Fact]
    public async Task ExecuteAsync_EtcdGoesAwayAfterTheFirstRead_KeepsTheLastKnownEndpoints()
    {
        var record = Client.FakeEtcdHandler.B64("{\"addresses\":[\"http://10.0.0.4:80\"],\"weight\":70}");
        _handler.OnJson("/v3/kv/range", $"{{\"header\":{{\"revision\":\"5\"}},\"kvs\":[{{\"key\":\"{Client.FakeEtcdHandler.B64("/redbook/services/feed/i1")}\",\"value\":\"{record}\",\"mod_revision\":\"4\"}}]}}");
        var options = new RedBook.ServiceDefaults.Etcd.EtcdOptions { RequestTimeout = Timeout.InfiniteTimeSpan, RetryBackoffInitial = TimeSpan.FromSeconds(1), RetryBackoffMax = TimeSpan.FromSeconds(1) };
        options.Endpoints.Add("http://etcd-a:2379");
        using var client = new RedBook.ServiceDefaults.Etcd.Client.EtcdClient(() => options, _time, handler: _handler, jitter: static () => 1.0);
        using var provider = new EtcdServiceDiscoveryProvider(client, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<EtcdServiceDiscoveryProvider>.Instance);
        var token = provider.GetChangeToken("feed");

        await provider.StartAsync(CancellationToken.None);
        await provider.Synced.WaitAsync(TimeSpan.FromSeconds(30));
        await _handler.WhenRequestsAsync("/v3/watch", 1).WaitAsync(TimeSpan.FromSeconds(30)); // the limit only stops a hang

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1)); // the watch keeps failing: nothing answers /v3/watch
        }

        Assert.True(token.HasChanged);
        var endpoint = Assert.Single(provider.GetEndpoints("FEED"));
        Assert.Equal(("http://10.0.0.4", "i1", 70), (endpoint.AddressKey(), endpoint.GetInstance()!.InstanceId, endpoint.GetWeight()));
        Assert.Empty(provider.GetEndpoints("mall"));
        Assert.Contains(_handler.Requests, r => r.Path == "/v3/watch" && r.Body.Contains("\"start_revision\":\"6\"", StringComparison.Ordinal));
        await provider.StopAsync(CancellationToken.None);
    }
}
