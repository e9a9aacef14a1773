using Microsoft.Extensions.Configuration;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Tests.Discovery;

public class ConfigurationServiceDiscoveryProviderTests
{
    private static IConfigurationRoot Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void GetEndpoints_AspireKeys_ReturnsEveryEndpointOfEveryName()
    {
        var provider = new ConfigurationServiceDiscoveryProvider(Config(
            ("services:feed:http:0", "http://localhost:5001"),
            ("services:feed:http:1", "http://10.0.0.2:5001/"),
            ("services:feed:https:0", "https://localhost:7001"),
            ("services:mall:http:0", "http://localhost:6001")));

        var endpoints = provider.GetEndpoints("feed");

        Assert.Equal(
            ["http://10.0.0.2:5001/", "http://localhost:5001/", "https://localhost:7001/"],
            endpoints.Select(e => e.Address.ToString()).Order(StringComparer.Ordinal));
        Assert.Contains(endpoints, e => e.InstanceId == "http/1");
    }

    [Fact]
    public void GetEndpoints_NamedEndpointHost_ReturnsOnlyThatEndpoint()
    {
        var provider = new ConfigurationServiceDiscoveryProvider(Config(
            ("services:feed:http:0", "http://localhost:5001"),
            ("services:feed:grpc:0", "http://localhost:5002")));

        var endpoints = provider.GetEndpoints("_grpc.feed");

        Assert.Equal("http://localhost:5002/", Assert.Single(endpoints).Address.ToString());
    }

    [Fact]
    public void GetEndpoints_HostPortWithoutScheme_TakesTheSchemeFromTheEndpointName()
    {
        var provider = new ConfigurationServiceDiscoveryProvider(Config(
            ("services:feed:https:0", "localhost:7001"),
            ("services:feed:http:0", "localhost:5001"),
            ("services:feed:http:1", "not a uri at all"),
            ("services:feed:http:2", "ftp://localhost:21")));

        var endpoints = provider.GetEndpoints("feed").Select(e => e.Address.ToString()).Order().ToArray();

        Assert.Equal(["http://localhost:5001/", "https://localhost:7001/"], endpoints);
    }

    [Fact]
    public void GetEndpoints_UnknownService_ReturnsEmpty()
    {
        var provider = new ConfigurationServiceDiscoveryProvider(Config(("services:feed:http:0", "http://localhost:5001")));

        Assert.Empty(provider.GetEndpoints("mall"));
    }

    [Fact]
    public void GetChangeToken_ConfigurationReloads_Fires()
    {
        var config = Config(("services:feed:http:0", "http://localhost:5001"));
        var provider = new ConfigurationServiceDiscoveryProvider(config);
        var token = provider.GetChangeToken("feed");

        config.Reload();

        Assert.True(token.HasChanged);
    }
}
