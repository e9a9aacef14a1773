using RedBook.ServiceDefaults.Discovery;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using RedBook.FunctionalTests.ServiceDefaults;
using RedBook.ServiceDefaults.Etcd.Registry;
using System.Text.Json;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.FunctionalTests.Etcd.Registry;

[Collection(EtcdCollection.Name)]
public sealed class EtcdServiceRegistrarTests(EtcdFixture fixture)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static string NewService() => "svc-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<EtcdKeyValue?> ReadAsync(EtcdClient client, string? key) =>
        key is null ? null : (await client.RangeAsync(key, false, s_none)).Kvs.SingleOrDefault();

    [Fact]
    public async Task Registrar_HostRunning_PublishesTheRecordOnALease()
    {
        using var client = fixture.Etcd.CreateClient();
        var service = NewService();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, new Dictionary<string, string?> { ["RedBook:Service:Color"] = "canary", ["RedBook:Service:Weight"] = "40" });

        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");

        var kv = (await ReadAsync(client, host.Registrar.Key))!;
        Assert.StartsWith($"/redbook/services/{service}/", kv.Key, StringComparison.Ordinal);
        Assert.Equal(host.Registrar.LeaseId, kv.Lease);
        using var record = JsonDocument.Parse(kv.Value);
        var root = record.RootElement;
        var address = root.GetProperty("addresses")[0].GetString()!;
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        Assert.Equal(("1.2.3", "az1", "canary", 40), (root.GetProperty("version").GetString(), root.GetProperty("zone").GetString(), root.GetProperty("color").GetString(), root.GetProperty("weight").GetInt32()));
        Assert.True(root.GetProperty("registeredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        using var http = new HttpClient();
        Assert.StartsWith(service, await http.GetStringAsync(new Uri(address)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registrar_GracefulStop_DeregistersBeforeStopCompletes()
    {
        using var client = fixture.Etcd.CreateClient();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");
        var key = host.Registrar.Key;

        await host.StopAsync();

        Assert.Null(await ReadAsync(client, key));
        Assert.True(host.Registrar.IsDeregistered);
    }

    [Fact]
    public async Task Registrar_ShutdownParticipant_DeregistersWhileTheHostStillRunsAndStopStaysIdempotent()
    {
        using var client = fixture.Etcd.CreateClient();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");
        var participant = host.App.Services.GetServices<RedBook.ServiceDefaults.Lifecycle.IShutdownParticipant>().Single();

        await participant.OnShutdownStartingAsync(s_none);

        Assert.Null(await ReadAsync(client, host.Registrar.Key));
        await host.StopAsync();
        Assert.Equal(1, host.Registrar.Registrations);
    }

    [Fact]
    public async Task Registrar_ProcessDiesWithoutStopping_LeaseExpiresAndTheEntryDisappears()
    {
        using var client = fixture.Etcd.CreateClient();
        var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");
        var key = host.Registrar.Key;

        // A crash: the keep-alive stops, nobody deregisters.
        await host.App.DisposeAsync();

        Assert.NotNull(await ReadAsync(client, key));
        await Poll.UntilAsync(async () => await ReadAsync(client, key) is null, "the lease expires (TTL 3 s)", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Registrar_LeaseRevokedElsewhere_RegistersAgainWithANewLease()
    {
        using var client = fixture.Etcd.CreateClient();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, NewService());
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");
        var firstLease = host.Registrar.LeaseId;
        var firstRecord = Encoding.UTF8.GetString((await ReadAsync(client, host.Registrar.Key))!.Value);

        await client.RevokeLeaseAsync(firstLease, s_none);

        await Poll.UntilAsync(async () => (await ReadAsync(client, host.Registrar.Key))?.Lease is { } lease && lease != firstLease, "the instance registers again", TimeSpan.FromSeconds(30));
        Assert.Equal(2, host.Registrar.Registrations);
        using var before = JsonDocument.Parse(firstRecord);
        using var after = JsonDocument.Parse((await ReadAsync(client, host.Registrar.Key))!.Value);
        Assert.Equal(before.RootElement.GetProperty("registeredAt").GetString(), after.RootElement.GetProperty("registeredAt").GetString());
    }

    [Fact]
    public async Task Registrar_WithAManagementPort_RegistersOnlyThePublicAddress()
    {
        using var client = fixture.Etcd.CreateClient();
        var service = NewService();
        var port = RedBook.FunctionalTests.ServiceDefaults.Net.FreePort();
        await using var app = await KestrelApp.StartAsync(a => a.MapGet("/hello", () => "hi"), settings: new Dictionary<string, string?>
        {
            ["RedBook:Etcd:Endpoints:0"] = fixture.Etcd.Endpoint,
            ["RedBook:Service:Name"] = service,
            ["RedBook:Management:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["RedBook:Management:Host"] = "127.0.0.1",
        });
        var registrar = app.App.Services.GetRequiredService<EtcdServiceRegistrar>();
        await Poll.UntilAsync(async () => await ReadAsync(client, registrar.Key) is not null, "the registration appears");
        var listening = app.App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;

        using var record = JsonDocument.Parse((await ReadAsync(client, registrar.Key))!.Value);
        var addresses = record.RootElement.GetProperty("addresses").EnumerateArray().Select(a => new Uri(a.GetString()!)).ToArray();

        Assert.Equal(2, listening.Count);                                    // Kestrel listens on both ports
        var only = Assert.Single(addresses);                                 // callers are told about one
        Assert.Equal(app.BaseAddress.Port, only.Port);
        Assert.DoesNotContain(addresses, a => a.Port == port);
    }

    [Fact]
    public async Task Registrar_KeyDeletedWhileTheLeaseLives_PutsItBackOnTheSameLease()
    {
        using var client = fixture.Etcd.CreateClient();
        var service = NewService();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service, new Dictionary<string, string?> { ["RedBook:Service:LeaseTtl"] = "00:01:00" });
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");
        await Poll.UntilAsync(() => host.Discovery.GetEndpoints(service).Count == 1, "discovery sees the instance");
        var key = host.Registrar.Key!;
        var lease = host.Registrar.LeaseId;
        var before = Encoding.UTF8.GetString((await ReadAsync(client, key))!.Value);

        Assert.Equal(1, await client.DeleteAsync(key, prefix: false, s_none));   // an operator's `etcdctl del`

        await Poll.UntilAsync(async () => await ReadAsync(client, key) is not null, "the key is put back", TimeSpan.FromSeconds(10));
        var after = (await ReadAsync(client, key))!;
        Assert.Equal(lease, after.Lease);                                    // the same lease: no re-registration
        Assert.Equal(before, Encoding.UTF8.GetString(after.Value));
        Assert.Equal(1, host.Registrar.Registrations);
        await Poll.UntilAsync(() => host.Discovery.GetEndpoints(service).Count == 1, "discovery sees the instance again");
    }

    [Fact]
    public async Task Registrar_WeightChangedInEtcdConfig_RepublishesTheRecordLive()
    {
        using var client = fixture.Etcd.CreateClient();
        var service = NewService();
        await using var host = await RedBookEtcdHost.StartAsync(fixture.Etcd.Endpoint, service);
        await Poll.UntilAsync(async () => await ReadAsync(client, host.Registrar.Key) is not null, "the registration appears");

        await client.PutAsync($"/redbook/config/{service}/RedBook/Service/Weight", Encoding.UTF8.GetBytes("25"), 0, s_none);

        await Poll.UntilAsync(
            async () => await ReadAsync(client, host.Registrar.Key) is { } kv && JsonDocument.Parse(kv.Value).RootElement.GetProperty("weight").GetInt32() == 25,
            "the record carries the new weight");
        await Poll.UntilAsync(() => host.Discovery.GetEndpoints(service) is [var only] && only.GetWeight() == 25, "discovery sees the new weight");
    }
}
