using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Etcd;

public class RedBookEtcdBuilderExtensionsTests
{
    [Fact]
    public async Task AddRedBookEtcd_Model_ListensOn2379InsideWithNoFixedHostPortAndChecksHealth()
    {
        var builder = ModelTesting.RunBuilder();
        var etcd = builder.AddRedBookEtcd("etcd");

        var client = ModelTesting.Endpoint(etcd.Resource, "client");
        Assert.Equal((2379, (int?)null, "http"), (client.TargetPort!.Value, client.Port, client.UriScheme));
        var args = await ModelTesting.ArgumentsAsync(etcd.Resource);
        Assert.Equal(
            ["--name", "etcd", "--data-dir", "/etcd-data", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://etcd:2379", "--experimental-watch-progress-notify-interval", "60s"],
            args);
        Assert.Equal("/usr/local/bin/etcd", etcd.Resource.Entrypoint);
        Assert.NotEmpty(ModelTesting.HealthCheckKeys(etcd.Resource));
    }

    [Fact]
    public void WithDataVolume_NoName_IsPerAppHostNotSharedByEverySolution()
    {
        var builder = ModelTesting.RunBuilder();
        var etcd = builder.AddRedBookEtcd("etcd").WithDataVolume();

        var mount = Assert.Single(etcd.Resource.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/etcd-data", mount.Target);
        Assert.NotEqual("redbook-etcd-data", mount.Source);
        Assert.Equal(VolumeNameGenerator.Generate(etcd, "data"), mount.Source);
    }

    [Fact]
    public async Task AddRedBookEtcdExecutable_Allocated_UsesTheAllocatedClientAndPeerPortsOnLoopback()
    {
        var builder = ModelTesting.RunBuilder();
        var etcd = builder.AddRedBookEtcdExecutable("etcd", "/usr/bin/etcd");
        ModelTesting.Allocate(etcd.Resource, "client", 23001);
        ModelTesting.Allocate(etcd.Resource, "peer", 23002);

        var args = await ModelTesting.ArgumentsAsync(etcd.Resource);

        Assert.Equal("/usr/bin/etcd", etcd.Resource.Command);
        Assert.False(ModelTesting.Endpoint(etcd.Resource, "client").IsProxied);
        Assert.Equal("http://127.0.0.1:23001", ArgumentAfter(args, "--listen-client-urls"));
        Assert.Equal("http://127.0.0.1:23001", ArgumentAfter(args, "--advertise-client-urls"));
        Assert.Equal("http://127.0.0.1:23002", ArgumentAfter(args, "--listen-peer-urls"));
        Assert.Equal("etcd=http://127.0.0.1:23002", ArgumentAfter(args, "--initial-cluster"));
        Assert.Equal(etcd.Resource.DataDirectory, ArgumentAfter(args, "--data-dir"));
        Assert.StartsWith(Path.GetTempPath(), etcd.Resource.DataDirectory, StringComparison.Ordinal);
        Assert.EndsWith(Path.DirectorySeparatorChar + "etcd", etcd.Resource.DataDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithRedBookEtcd_Service_GetsTheClientEndpointAndWaits()
    {
        var builder = ModelTesting.RunBuilder();
        var etcd = builder.AddRedBookEtcd("etcd");
        var service = builder.AddExecutable("svc", "svc", ".").WithRedBookEtcd(etcd);
        ModelTesting.Allocate(etcd.Resource, "client", 32379);

        var environment = await ModelTesting.EnvironmentAsync(service.Resource);

        Assert.Equal("http://localhost:32379", environment["RedBook__Etcd__Endpoints__0"]);
        Assert.Contains(service.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == etcd.Resource);
    }

    private static string ArgumentAfter(string[] args, string name) => args[Array.IndexOf(args, name) + 1];
}
