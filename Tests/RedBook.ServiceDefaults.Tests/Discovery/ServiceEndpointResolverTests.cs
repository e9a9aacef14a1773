using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Tests.Discovery;

public class ServiceEndpointResolverTests
{
    private sealed class ListProvider : IServiceDiscoveryProvider, IDisposable
    {
        private CancellationTokenSource _changed = new();

        public Dictionary<string, List<ServiceEndpoint>> Services { get; } = new(StringComparer.OrdinalIgnoreCase);

        public int Calls { get; private set; }

        public IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName)
        {
            Calls++;
            return Services.TryGetValue(serviceName, out var list) ? [.. list] : [];
        }

        public IChangeToken GetChangeToken(string serviceName) => new CancellationChangeToken(_changed.Token);

        public void Dispose() => _changed.Dispose();

        public void Change()
        {
            var previous = _changed;
            _changed = new CancellationTokenSource();
            previous.Cancel();
            previous.Dispose();
        }
    }

    private static ServiceEndpoint Ep(string address, string id) => new(new Uri(address), id);

    [Theory]
    [InlineData("http://feed/notes", true)]
    [InlineData("https+http://feed", true)]
    [InlineData("http://_grpc.feed", true)]
    [InlineData("http://localhost:5000", false)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://[::1]:5000", false)]
    [InlineData("https://api.example.com/x", false)]
    public void IsLogicalAddress_ClassifiesHosts(string uri, bool expected)
    {
        Assert.Equal(expected, ServiceEndpointResolver.IsLogicalAddress(new Uri(uri)));
    }

    [Fact]
    public void Resolve_TwoProviders_MergesAndKeepsTheRicherDuplicate()
    {
        var config = new ListProvider();
        config.Services["feed"] = [Ep("http://10.0.0.1:80", "http/0"), Ep("http://10.0.0.2:80", "http/1")];
        var registry = new ListProvider();
        registry.Services["feed"] = [Ep("http://10.0.0.2:80", "feed-2") with { Color = "blue" }, Ep("http://10.0.0.3:80", "feed-3")];
        using var resolver = new ServiceEndpointResolver([config, registry]);

        var set = resolver.Resolve(new Uri("http://feed/notes"));

        Assert.Equal(["http://10.0.0.1/", "http://10.0.0.2/", "http://10.0.0.3/"], set.Endpoints.Select(e => e.Address.ToString()));
        Assert.Equal("blue", set.Endpoints[1].Color);
        Assert.Equal("feed", set.ServiceName);
    }

    [Fact]
    public void Resolve_HttpsPlusHttp_PrefersHttpsAndFallsBackToHttp()
    {
        var provider = new ListProvider();
        provider.Services["feed"] = [Ep("http://10.0.0.1:80", "a"), Ep("https://10.0.0.1:443", "b")];
        provider.Services["mall"] = [Ep("http://10.0.0.9:80", "c")];
        using var resolver = new ServiceEndpointResolver([provider]);

        Assert.Equal("https://10.0.0.1/", Assert.Single(resolver.Resolve(new Uri("https+http://feed")).Endpoints).Address.ToString());
        Assert.Equal("http://10.0.0.9/", Assert.Single(resolver.Resolve(new Uri("https+http://mall")).Endpoints).Address.ToString());
        Assert.Equal("http://10.0.0.1/", Assert.Single(resolver.Resolve(new Uri("http://feed")).Endpoints).Address.ToString());
        Assert.Empty(resolver.Resolve(new Uri("https://mall")).Endpoints);
    }

    [Fact]
    public void Resolve_UnknownService_ReturnsAnEmptySet()
    {
        using var resolver = new ServiceEndpointResolver([new ListProvider()]);

        Assert.Empty(resolver.Resolve(new Uri("http://nobody")).Endpoints);
    }

    [Fact]
    public void Resolve_NoChange_ServesTheCachedSetWithoutAskingProviders()
    {
        var provider = new ListProvider();
        provider.Services["feed"] = [Ep("http://10.0.0.1:80", "a")];
        using var resolver = new ServiceEndpointResolver([provider]);

        var first = resolver.Resolve(new Uri("http://feed"));
        var calls = provider.Calls;
        var second = resolver.Resolve(new Uri("http://feed/other/path"));

        Assert.Same(first, second);
        Assert.Equal(calls, provider.Calls);
    }

    [Fact]
    public void Resolve_ProviderChanges_PublishesANewSetOnlyWhenEndpointsDiffer()
    {
        var provider = new ListProvider();
        provider.Services["feed"] = [Ep("http://10.0.0.1:80", "a")];
        using var resolver = new ServiceEndpointResolver([provider]);
        var first = resolver.Resolve(new Uri("http://feed"));

        provider.Change();
        var unchanged = resolver.Resolve(new Uri("http://feed"));
        provider.Services["feed"].Add(Ep("http://10.0.0.2:80", "b"));
        provider.Change();
        var changed = resolver.Resolve(new Uri("http://feed"));

        Assert.Same(first, unchanged);
        Assert.NotSame(first, changed);
        Assert.Equal(first.Version + 1, changed.Version);
        Assert.Equal(2, changed.Endpoints.Count);
    }

    [Fact]
    public void Resolve_ConfigurationReload_SeesTheNewReplicas()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["services:feed:http:0"] = "http://10.0.0.1:80" }).Build();
        using var resolver = new ServiceEndpointResolver([new ConfigurationServiceDiscoveryProvider(config)]);
        Assert.Single(resolver.Resolve(new Uri("http://feed")).Endpoints);

        config["services:feed:http:1"] = "http://10.0.0.2:80";
        config.Reload();

        Assert.Equal(2, resolver.Resolve(new Uri("http://feed")).Endpoints.Count);
    }
}
