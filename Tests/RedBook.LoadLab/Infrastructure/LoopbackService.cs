using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port, running <c>AddServiceDefaults</c> and
/// <c>MapDefaultEndpoints</c> like a RedBook service. The load lab and the functional tests (through their
/// <c>KestrelApp</c>) both start their servers here.
/// </summary>
public sealed class LoopbackService : IAsyncDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);

    private LoopbackService(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The base address of the public endpoint, <c>http://127.0.0.1:{port}/</c> (never the management port).</summary>
    public Uri Address { get; }

    /// <summary>Starts a lab service: <paramref name="configure"/> runs after <c>AddServiceDefaults</c>, and logging is off.</summary>
    /// <param name="name">The application name (also the OpenTelemetry service name).</param>
    /// <param name="map">Maps the endpoints.</param>
    /// <param name="configure">Registers services and configuration.</param>
    /// <param name="configuration">Configuration values.</param>
    public static Task<LoopbackService> StartAsync(
        string name,
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        IDictionary<string, string?>? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return StartAsync(map, new LoopbackServiceOptions { Name = name, Configure = configure, Configuration = configuration });
    }

    /// <summary>Starts a service as <paramref name="options"/> say.</summary>
    public static async Task<LoopbackService> StartAsync(Action<WebApplication> map, LoopbackServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = options.Name, EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (!options.Logging)
        {
            builder.Logging.ClearProviders();
        }

        if (options.Name is not null)
        {
            builder.Configuration["OTEL_SERVICE_NAME"] = options.Name;
        }

        if (options.Configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(options.Configuration);
        }

        if (options.ConfigureBeforeDefaults)
        {
            options.Configure?.Invoke(builder);
            builder.AddServiceDefaults();
        }
        else
        {
            builder.AddServiceDefaults();
            options.Configure?.Invoke(builder);
        }

        var app = builder.Build();
        app.MapDefaultEndpoints();
        map(app);
        await app.StartAsync().ConfigureAwait(false);
        var managementPort = app.Configuration["RedBook:Management:Port"];
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)))
            .First(a => a.Port.ToString(CultureInfo.InvariantCulture) != managementPort);
        return new LoopbackService(app, address);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(s_stopTimeout))
        {
            await App.StopAsync(stop.Token).ConfigureAwait(false);
        }

        await App.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>How a <see cref="LoopbackService"/> is built.</summary>
public sealed class LoopbackServiceOptions
{
    /// <summary>The application and OpenTelemetry service name; null keeps the host's defaults.</summary>
    public string? Name { get; init; }

    /// <summary>Registers services and configuration.</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>Configuration values, added before <see cref="Configure"/> runs.</summary>
    public IDictionary<string, string?>? Configuration { get; init; }

    /// <summary>Run <see cref="Configure"/> before <c>AddServiceDefaults</c>, so its registrations win over the defaults' <c>TryAdd</c>s.</summary>
    public bool ConfigureBeforeDefaults { get; init; }

    /// <summary>Keep the host's log providers (the lab turns them off).</summary>
    public bool Logging { get; init; }
}
