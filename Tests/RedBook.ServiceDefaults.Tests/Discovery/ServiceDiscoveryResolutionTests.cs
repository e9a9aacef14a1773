using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Etcd.Discovery;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Discovery;

/// <summary>
/// Resolution through Microsoft.Extensions.ServiceDiscovery's real resolver with the providers in the order
/// <c>AddServiceDefaults</c> + <c>AddRedBookEtcd</c> register them: configuration, the registry, pass-through.
/// </summary>
public sealed class ServiceDiscoveryResolutionTests : IAsyncDisposable
{
    private readonly FakeRegistry _registry = new();
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();
    private readonly ServiceProvider _services;

    public ServiceDiscoveryResolutionTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(_configuration);
        services.AddServiceDiscoveryCore();
        services.AddConfigurationServiceEndpointProvider();
        services.AddSingleton<IServiceEndpointProviderFactory>(new EtcdServiceEndpointProviderFactory(_registry));
        services.AddPassThroughServiceEndpointProvider();
        _services = services.BuildServiceProvider();
    }

    private ServiceEndpointResolver Resolver => _services.GetRequiredService<ServiceEndpointResolver>();

    private async Task<string[]> ResolveAsync(string query) =>
        [.. (await Resolver.GetEndpointsAsync(query, CancellationToken.None)).Endpoints.Select(e => e.AddressKey())];

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    [Theory]
    [InlineData("http://feed/notes", true)]
    [InlineData("https+http://feed", true)]
    [InlineData("http://_grpc.feed", true)]
    [InlineData("http://localhost:5000", false)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://[::1]:5000", false)]
    [InlineData("https://api.example.com/x", false)]
    public void IsLogical_ClassifiesHosts(string uri, bool expected)
    {
        Assert.Equal(expected, ServiceAddress.IsLogical(new Uri(uri)));
    }

    [Theory]
    [InlineData("https+http://_grpc.feed/x", "https+http://_grpc.feed", "feed")]
    [InlineData("http://feed/notes?a=1", "http://feed", "feed")]
    public void QueryOf_LogicalAddress_IsSchemeAndHost(string uri, string query, string service)
    {
        Assert.Equal(query, ServiceAddress.QueryOf(new Uri(uri)));
        Assert.Equal(service, ServiceAddress.ServiceNameOf(new Uri(uri)));
    }

    [Fact]
    public async Task GetEndpointsAsync_ConfigurationAndRegistry_MergesAndKeepsTheRegistrysEntryForTheSameAddress()
    {
        _configuration["services:feed:http:0"] = "http://10.0.0.1:80";
        _configuration["services:feed:http:1"] = "http://10.0.0.2:80";
        _registry.Set("feed", TestEndpoints.Create("http://10.0.0.2:80", "feed-2", color: "blue"), TestEndpoints.Create("http://10.0.0.3:80", "feed-3"));

        var source = await Resolver.GetEndpointsAsync("http://feed", CancellationToken.None);

        Assert.Equal(["http://10.0.0.1", "http://10.0.0.2", "http://10.0.0.3"], source.Endpoints.Select(e => e.AddressKey()));
        Assert.Null(source.Endpoints[0].GetColor());
        Assert.Equal("blue", source.Endpoints[1].GetColor());
        Assert.Equal("feed-2", source.Endpoints[1].Id());
    }

    [Fact]
    public async Task GetEndpointsAsync_HttpsPlusHttp_PrefersHttpsAcrossBothSourcesAndFallsBackToHttp()
    {
        _configuration["services:feed:http:0"] = "http://10.0.0.1:80";
        _registry.Set("feed", TestEndpoints.Create("https://10.0.0.1:443", "feed-1"));
        _configuration["services:mall:http:0"] = "http://10.0.0.9:80";

        Assert.Equal(["https://10.0.0.1"], await ResolveAsync("https+http://feed"));
        Assert.Equal(["http://10.0.0.9"], await ResolveAsync("https+http://mall"));
        Assert.Equal(["http://10.0.0.1"], await ResolveAsync("http://feed"));
    }

    [Fact]
    public async Task GetEndpointsAsync_NamedEndpoint_TakesTheRegistrysNamedAddressesOnly()
    {
        _registry.Set(
            "feed",
            TestEndpoints.Create("http://10.0.0.1:8080", "feed-1"),
            TestEndpoints.Create("http://10.0.0.1:8081", "feed-1", endpointName: "grpc"));

        Assert.Equal(["http://10.0.0.1:8081"], await ResolveAsync("http://_grpc.feed"));
        Assert.Equal(["http://10.0.0.1:8080"], await ResolveAsync("http://feed"));
        Assert.Equal(["http://10.0.0.1:8080"], await ResolveAsync("http://_http.feed"));
    }

    [Fact]
    public async Task GetEndpointsAsync_UnknownService_OnlyThePassThroughAnswer()
    {
        var source = await Resolver.GetEndpointsAsync("http://nobody", CancellationToken.None);

        Assert.True(Assert.Single(source.Endpoints).IsPassThrough());
    }

    [Fact]
    public async Task GetEndpointsAsync_RegistryKnowsTheService_NoPassThroughEntry()
    {
        _registry.Set("feed", TestEndpoints.Create("http://10.0.0.3:80", "feed-3"));

        var source = await Resolver.GetEndpointsAsync("http://feed", CancellationToken.None);

        Assert.False(Assert.Single(source.Endpoints).IsPassThrough());
    }

    [Fact]
    public async Task GetEndpointsAsync_RegistryChanges_ResolvesTheNewInstances()
    {
        _registry.Set("feed", TestEndpoints.Create("http://10.0.0.1:80", "a"));
        Assert.Equal(["http://10.0.0.1"], await ResolveAsync("http://feed"));

        _registry.Set("feed", TestEndpoints.Create("http://10.0.0.1:80", "a"), TestEndpoints.Create("http://10.0.0.2:80", "b"));

        Assert.Equal(["http://10.0.0.1", "http://10.0.0.2"], await ResolveAsync("http://feed"));
    }

    [Fact]
    public async Task GetEndpointsAsync_ConfigurationReload_SeesTheNewReplicas()
    {
        _configuration["services:feed:http:0"] = "http://10.0.0.1:80";
        Assert.Single(await ResolveAsync("http://feed"));

        _configuration["services:feed:http:1"] = "http://10.0.0.2:80";
        _configuration.Reload();

        Assert.Equal(2, (await ResolveAsync("http://feed")).Length);
    }

    [Fact]
    public void AddRedBookEtcd_AfterServiceDiscovery_PutsTheRegistryAheadOfPassThrough()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["RedBook:Etcd:Endpoints:0"] = "http://127.0.0.1:1";
        builder.Services.AddServiceDiscovery();

        builder.AddRedBookEtcd();

        var factories = builder.Services
            .Where(d => d.ServiceType == typeof(IServiceEndpointProviderFactory))
            .Select(d => d.ImplementationType?.Name ?? d.ImplementationFactory?.Method.ReturnType.Name ?? "?")
            .ToArray();
        Assert.Equal(["ConfigurationServiceEndpointProviderFactory", nameof(EtcdServiceEndpointProviderFactory), "PassThroughServiceEndpointProviderFactory"], factories);
    }

    private sealed class FakeRegistry : IServiceRegistryView
    {
        private readonly Dictionary<string, (ServiceEndpoint[] Endpoints, CancellationTokenSource Changed)> _services = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string service, params ServiceEndpoint[] endpoints)
        {
            var previous = _services.GetValueOrDefault(service).Changed;
            _services[service] = (endpoints, new CancellationTokenSource());
            previous?.Cancel();
        }

        public IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName) => _services.TryGetValue(serviceName, out var s) ? s.Endpoints : [];

        public IChangeToken GetChangeToken(string serviceName)
        {
            if (!_services.TryGetValue(serviceName, out var s))
            {
                s = ([], new CancellationTokenSource());
                _services[serviceName] = s;
            }

            return new CancellationChangeToken(s.Changed.Token);
        }
    }
}
