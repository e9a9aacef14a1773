using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>
/// A calling application: a generic host with <c>AddServiceDefaults</c>, so every named HttpClient it creates goes
/// through the RedBook client pipeline, configured from <see cref="Configuration"/> (live: set a key and call
/// <see cref="Reload"/>).
/// </summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientHost(IHost host, IConfigurationRoot configuration)
    {
        _host = host;
        Configuration = configuration;
    }

    /// <summary>The host's configuration root.</summary>
    public IConfigurationRoot Configuration { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts the host (start-up validation runs here) with one named client per <paramref name="clients"/>.</summary>
    public static async Task<ClientHost> StartAsync(IDictionary<string, string?> configuration, params string[] clients)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "loadlab-client", EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Configuration["OTEL_SERVICE_NAME"] = "loadlab-client";
        // Calls made outside a request have no ambient deadline; the library's 100 ms default is for service-to-service
        // hops, so the lab's callers get 5 s unless a scenario sets its own.
        builder.Configuration["RedBook:Clients:Defaults:Deadline:DefaultTimeout"] = "00:00:05";
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        foreach (var name in clients)
        {
            builder.Services.AddHttpClient(name, c => c.Timeout = TimeSpan.FromSeconds(30));
        }

        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new ClientHost(host, (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>());
    }

    /// <summary>A client by name (through IHttpClientFactory, as an application gets it).</summary>
    public HttpClient Client(string name) => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    /// <summary>Sets configuration keys and reloads, as a changed file or etcd would.</summary>
    public void Reload(IDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values)
        {
            Configuration[key] = value;
        }

        Configuration.Reload();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
