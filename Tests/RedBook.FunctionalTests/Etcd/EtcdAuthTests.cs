using System.Text;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>An etcd member with auth enabled (its own: auth would lock the shared one).</summary>
public sealed class EtcdAuthFixture : IAsyncLifetime
{
    public const string Password = "s3cret-pw";

    public EtcdProcess Etcd { get; } = new();

    public async Task InitializeAsync()
    {
        await Etcd.StartAsync();
        await Etcd.EnableAuthAsync(Password);
    }

    public Task DisposeAsync() => Etcd.DisposeAsync().AsTask();
}

public sealed class EtcdAuthTests(EtcdAuthFixture fixture) : IClassFixture<EtcdAuthFixture>
{
    private const string Password = EtcdAuthFixture.Password;
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly EtcdProcess _etcd = fixture.Etcd;

    [Fact]
    public async Task Client_WithoutCredentials_IsRefused()
    {
        using var client = _etcd.CreateClient();

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/x", false, s_none));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code); // etcd 3.4 answers "user name is empty"
    }

    [Fact]
    public async Task Client_WrongPassword_ThrowsUnauthenticated()
    {
        using var client = _etcd.CreateClient("root", "wrong");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/x", false, s_none));

        Assert.Equal(ErrorCode.Unauthenticated, ex.Error.Code);
    }

    [Fact]
    public async Task AddRedBookEtcd_WithCredentials_RegistersReloadsAndSurvivesTokenLossOnRestart()
    {
        using var client = _etcd.CreateClient("root", Password);
        var service = "auth-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await RedBookEtcdHost.StartAsync(_etcd.Endpoint, service, new Dictionary<string, string?>
        {
            ["RedBook:Etcd:Username"] = "root",
            ["RedBook:Etcd:Password"] = Password,
        });
        await Poll.UntilAsync(async () => host.Registrar.Key is { } key && (await client.RangeAsync(key, false, s_none)).Kvs.Count == 1, "the registration appears");
        await client.PutAsync($"/redbook/config/{service}/Feature/Flag", Encoding.UTF8.GetBytes("on"), 0, s_none);
        await Poll.UntilAsync(() => host.App.Configuration["Feature:Flag"] == "on", "the setting arrives through the authenticated watch");

        // etcd's simple tokens live in memory: after a restart every client must log in again.
        await _etcd.RestartAsync();
        await client.PutAsync($"/redbook/config/{service}/Feature/Flag", Encoding.UTF8.GetBytes("off"), 0, s_none);

        await Poll.UntilAsync(() => host.App.Configuration["Feature:Flag"] == "off", "the watch re-authenticates and resumes", TimeSpan.FromSeconds(30));
        Assert.Single((await client.RangeAsync(host.Registrar.Key!, false, s_none)).Kvs);
    }
}
