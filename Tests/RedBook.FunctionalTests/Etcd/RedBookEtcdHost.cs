using Microsoft.Extensions.ServiceDiscovery;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Etcd.Discovery;
using RedBook.ServiceDefaults.Etcd.Registry;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>A real service: Kestrel on 127.0.0.1:0 with <c>AddRedBookEtcd()</c>, configured the way the AppHost does it.</summary>
internal sealed class RedBookEtcdHost : IAsyncDisposable
{
    private bool _stopped;

    private RedBookEtcdHost(WebApplication app, CapturingLoggerProvider logs)
    {
        App = app;
        Logs = logs;
    }

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    internal EtcdServiceRegistrar Registrar => App.Services.GetRequiredService<EtcdServiceRegistrar>();

    internal EtcdServiceDiscoveryProvider Discovery => App.Services.GetRequiredService<EtcdServiceDiscoveryProvider>();

    /// <summary>The registry as service discovery sees it: the view behind the registered etcd endpoint provider.</summary>
    internal IServiceRegistryView DiscoveryContract => App.Services.GetServices<IServiceEndpointProviderFactory>().OfType<EtcdServiceEndpointProviderFactory>().Single().Registry;

    public static async Task<RedBookEtcdHost> StartAsync(string etcdEndpoint, string serviceName, IDictionary<string, string?>? settings = null, Action<RedBook.ServiceDefaults.Etcd.Configuration.EtcdConfigurationOptions>? configureSource = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var config = new Dictionary<string, string?>
        {
            ["RedBook:Etcd:Endpoints:0"] = etcdEndpoint,
            ["RedBook:Etcd:RetryBackoffInitial"] = "00:00:00.100",
            ["RedBook:Etcd:RetryBackoffMax"] = "00:00:01",
            ["RedBook:Service:Name"] = serviceName,
            ["RedBook:Service:LeaseTtl"] = "00:00:03",
            ["RedBook:Service:Version"] = "1.2.3",
            ["RedBook:Service:Zone"] = "az1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.AddRedBookEtcd(configureSource);
        var app = builder.Build();
        app.MapGet("/", () => Results.Text(serviceName + " " + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)));
        await app.StartAsync();
        return new RedBookEtcdHost(app, logs);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}
