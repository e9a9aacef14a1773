using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>The whole system in local mode, as <c>dotnet run --project AppHost/RedBook.AppHost</c> starts it here.</summary>
[Collection(LocalSystemCollection.Name)]
public sealed class LocalSystemTests(LocalSystemFixture fixture)
{
    private static readonly string[] s_services =
    [
        "feed-api",
//#if (IncludeMall)
        "mall-api",
//#endif
        "bff",
    ];

    [Fact]
    public void StartAsync_LocalMode_StartsRedisEtcdTheDevBrokerAndEveryService()
    {
        var names = fixture.Resources.Where(LocalSystemFixture.IsStarted).Select(r => r.Name).ToHashSet();

        Assert.Superset(new HashSet<string>(["redis", "etcd", "kafka", .. s_services]), names);
        Assert.IsType<RedBookRedisServerResource>(fixture.Resources.Single(r => r.Name == "redis"));
        Assert.IsType<RedBookEtcdServerResource>(fixture.Resources.Single(r => r.Name == "etcd"));
        Assert.IsType<RedBookKafkaDevBrokerResource>(fixture.Resources.Single(r => r.Name == "kafka"));
        Assert.DoesNotContain(fixture.Resources, r => r is ContainerResource);
    }

    [Fact]
    public void StartAsync_LocalMode_EveryResourceIsRunningAndHealthy()
    {
        foreach (var resource in fixture.Resources.Where(LocalSystemFixture.IsStarted))
        {
            var instances = fixture.States.Values.Where(e => e.Resource == resource).ToList();
            var replicas = resource.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
            Assert.True(instances.Count == replicas, $"{resource.Name}: {instances.Count} instances, expected {replicas}");
            Assert.All(instances, e =>
            {
                Assert.Equal(KnownResourceStates.Running, e.Snapshot.State?.Text);
                Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, e.Snapshot.HealthStatus);
            });
        }
    }

    [Fact]
    public void StartAsync_LocalMode_FeedAndMallRunTwoReplicas()
    {
        foreach (var name in s_services.Where(s => s != "bff"))
        {
            var service = fixture.Resources.Single(r => r.Name == name);
            Assert.Equal(2, Assert.Single(service.Annotations.OfType<ReplicaAnnotation>()).Replicas);
        }
    }

    [Theory]
    [InlineData("feed-api")]
//#if (IncludeMall)
    [InlineData("mall-api")]
//#endif
    [InlineData("bff")]
    public async Task Service_Started_AnswersAliveAndHealth(string service)
    {
        using var client = fixture.App.CreateHttpClient(service);

        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task EtcdPut_GlobalAndBffKeys_ReachTheServicesConfiguration()
    {
        // A value under /redbook/config/_global/ reaches every service; one under /redbook/config/bff/ reaches the
        // BFF (its name in the registry is its resource name): here the BFF's degrade switch for its home screen.
        var marker = Guid.NewGuid().ToString("N");
        using var etcd = new HttpClient { BaseAddress = fixture.App.GetEndpoint("etcd", RedBookEtcdResource.ClientEndpointName) };
        await SystemProbes.EtcdPutAsync(etcd, "/redbook/config/_global/RedBook/AppHostTests/Marker", marker);
        await SystemProbes.EtcdPutAsync(etcd, "/redbook/config/bff/RedBook/Degrade/home/ForceDegrade", "true");

        foreach (var service in s_services)
        {
            await WaitForConfigurationAsync(service, "RedBook:AppHostTests:Marker", marker);
        }

        await WaitForConfigurationAsync("bff", "RedBook:Degrade:home:ForceDegrade", "true");
    }

    /// <summary>Polls the service's governance endpoint (<c>/_redbook/config</c>, loopback only) until the key has the value.</summary>
    private async Task WaitForConfigurationAsync(string service, string key, string expected)
    {
        using var client = fixture.App.CreateHttpClient(service);
        string? actual = null;
        await SystemProbes.EventuallyAsync($"{service}: {key} = '{expected}'", TimeSpan.FromSeconds(30), async token =>
        {
            using var configuration = await JsonDocument.ParseAsync(await client.GetStreamAsync(new Uri("/_redbook/config", UriKind.Relative), token), cancellationToken: token);
            actual = configuration.RootElement.TryGetProperty(key, out var value) ? value.GetString() : null;
            return actual == expected;
        }, () => $"It is '{actual}'.");
    }
}
