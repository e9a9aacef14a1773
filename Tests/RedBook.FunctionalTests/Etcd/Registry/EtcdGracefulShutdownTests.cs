using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedBook.ServiceDefaults.Etcd.Registry;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.FunctionalTests.Etcd.Registry;

[Collection(EtcdCollection.Name)]
public sealed class EtcdGracefulShutdownTests(EtcdFixture fixture)
{
    [Fact]
    public async Task AddServiceDefaults_GracefulStop_DeregistersBeforeDrainingInFlightRequests()
    {
        var service = "drain-" + Guid.NewGuid().ToString("N")[..8];
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Etcd:Endpoints:0"] = fixture.Etcd.Endpoint,
            ["RedBook:Service:Name"] = service,
            ["RedBook:Shutdown:DrainTimeout"] = "00:00:30",
        });
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        var release = new TaskCompletionSource();
        app.MapGet("/slow", async () =>
        {
            await release.Task;
            return "done";
        });
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var registrar = app.Services.GetRequiredService<EtcdServiceRegistrar>();
        using var client = fixture.Etcd.CreateClient();
        await Poll.UntilAsync(async () => registrar.Key is { } key && (await client.RangeAsync(key, false, CancellationToken.None)).Kvs.Count == 1, "the instance registers");
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var inFlight = http.GetStringAsync(new Uri(address + "/slow"));
        var state = app.Services.GetRequiredService<ShutdownState>();
        await Poll.UntilAsync(() => state.InFlight >= 1, "the slow request is in flight");

        var stopping = app.StopAsync();

        await Poll.UntilAsync(async () => (await client.RangeAsync(registrar.Key!, false, CancellationToken.None)).Kvs.Count == 0, "the instance deregisters");
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        Assert.Equal("done", await inFlight);
        await stopping;
    }
}
