using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Etcd.Discovery;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.FunctionalTests.Http;

/// <summary>The client pipeline resolving through the etcd registry (a real etcd), traffic colour included.</summary>
[Collection(EtcdCollection.Name)]
public sealed class EtcdResolutionTests(EtcdFixture fixture)
{
    [Fact]
    public async Task GetAsync_InstancesRegisteredInEtcd_AreResolvedAndColouredTrafficStaysOnItsColour()
    {
        var service = "svc-" + Guid.NewGuid().ToString("N")[..8];
        await using var observer = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, "observer-" + service);
        await using var red = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, new Dictionary<string, string?> { ["RedBook:Service:Color"] = "red" });
        await using var plain = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service);
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 2, "both instances are discovered");

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Clients:Defaults:Deadline:DefaultTimeout"] = "00:00:05",
        }).Build());
        services.AddSingleton<IServiceEndpointProviderFactory>(new EtcdServiceEndpointProviderFactory(observer.DiscoveryContract));
        services.AddHttpClient("svc").AddRedBookPipeline();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("svc");
        var redTraffic = new RequestMetadata(new Dictionary<string, string> { [RedBookHeaders.Color] = "red" }, callerApp: null);

        using (var response = await client.GetAsync(new Uri($"http://{service}/")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await plain.StopAsync();
        await Poll.UntilAsync(() => observer.DiscoveryContract.GetEndpoints(service).Count == 1, "the plain instance left the registry");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.GetAsync(new Uri($"http://{service}/")));
        Assert.Equal(LoadBalancingConstants.NoEndpointsReason, ex.Error.Reason);
        using (RequestMetadata.Use(redTraffic))
        {
            using var response = await client.GetAsync(new Uri($"http://{service}/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith(service, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
