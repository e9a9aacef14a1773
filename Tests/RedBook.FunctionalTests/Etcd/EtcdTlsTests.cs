using System.Text;
using Microsoft.Extensions.Configuration;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>An etcd member whose client port speaks TLS with a self-signed certificate.</summary>
public sealed class EtcdTlsFixture : IAsyncLifetime
{
    public EtcdProcess Etcd { get; } = new(tls: true);

    public Task InitializeAsync() => Etcd.StartAsync();

    public Task DisposeAsync() => Etcd.DisposeAsync().AsTask();
}

public sealed class EtcdTlsTests(EtcdTlsFixture fixture) : IClassFixture<EtcdTlsFixture>
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Client_HttpsEndpointWithTrustedCertificate_WorksOverTls()
    {
        Assert.StartsWith("https://", fixture.Etcd.Endpoint, StringComparison.Ordinal);
        using var client = fixture.Etcd.CreateClient();

        var revision = await client.PutAsync("/tls/k", Encoding.UTF8.GetBytes("v"), 0, s_none);

        Assert.Equal(revision, Assert.Single((await client.RangeAsync("/tls/k", false, s_none)).Kvs).ModRevision);
    }

    [Fact]
    public async Task Client_HttpsEndpointWithUntrustedCertificate_ThrowsUnavailable()
    {
        var options = new EtcdOptions();
        options.Endpoints.Add(fixture.Etcd.Endpoint);
        using var client = new EtcdClient(() => options, TimeProvider.System);

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/tls/k", false, s_none));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
    }

    [Fact]
    public async Task AddEtcd_HttpsEndpoint_LoadsAndWatchesOverTls()
    {
        using var client = fixture.Etcd.CreateClient();
        await client.PutAsync("/redbook/config/tlsapp/Greeting", Encoding.UTF8.GetBytes("hello"), 0, s_none);
        var configuration = new ConfigurationBuilder()
            .AddEtcd(o =>
            {
                o.Endpoints.Add(fixture.Etcd.Endpoint);
                o.AppName = "tlsapp";
                o.CreateHttpHandler = fixture.Etcd.CreateTrustingHandler;
            })
            .Build();
        try
        {
            Assert.Equal("hello", configuration["Greeting"]);

            await client.PutAsync("/redbook/config/tlsapp/Greeting", Encoding.UTF8.GetBytes("again"), 0, s_none);

            await Poll.UntilAsync(() => configuration["Greeting"] == "again", "the change arrives over the TLS watch");
        }
        finally
        {
            (configuration as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task AddRedBookEtcd_HttpsEndpointWithPrivateCa_RegistersAndDiscoversOverTls()
    {
        var service = "tls-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, configureSource: o => o.CreateHttpHandler = fixture.Etcd.CreateTrustingHandler);

        await Poll.UntilAsync(() => host.DiscoveryContract.GetEndpoints(service).Count == 1, "the instance registers and discovers itself over TLS");

        using var client = fixture.Etcd.CreateClient();
        Assert.Single((await client.RangeAsync($"/redbook/services/{service}/", true, s_none)).Kvs);
    }
}
