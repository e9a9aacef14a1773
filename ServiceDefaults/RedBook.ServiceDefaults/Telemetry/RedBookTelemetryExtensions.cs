using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RedBook.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry for a RedBook service, built on the core SDK (<c>Sdk.CreateTracerProviderBuilder</c>,
/// <c>Sdk.CreateMeterProviderBuilder</c>): the providers are singletons in the service's container, built before
/// the server starts and disposed (flushed) when the host is disposed.
/// </summary>
public static class RedBookTelemetryExtensions
{
    /// <summary>The trace sources every service listens to: .NET 10's native ones and RedBook's.</summary>
    public static IReadOnlyList<string> TraceSources { get; } = ["Microsoft.AspNetCore", "System.Net.Http", RedBookDiagnostics.Name];

    /// <summary>The meters every service listens to: .NET 10's native ones and RedBook's.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime", RedBookDiagnostics.Name];

    private static readonly double[] s_durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Adds to the tracer provider's setup (another source, a processor, an exporter).</summary>
    public static IServiceCollection ConfigureRedBookTracing(this IServiceCollection services, Action<TracerProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new TelemetryConfigurator(configure, null));
        return services;
    }

    /// <summary>Adds to the meter provider's setup (another meter, a view, a reader).</summary>
    public static IServiceCollection ConfigureRedBookMetrics(this IServiceCollection services, Action<MeterProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new TelemetryConfigurator(null, configure));
        return services;
    }

    internal static IHostApplicationBuilder AddRedBookTelemetry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        builder.Logging.Configure(static o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (HasOtlpEndpoint(builder.Configuration))
        {
            builder.Logging.AddOpenTelemetry(static o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            });
            services.ConfigureOpenTelemetryLoggerProvider(static logs => logs.AddOtlpExporter());
        }

        services.TryAddSingleton(static sp => BuildTracerProvider(sp));
        services.TryAddSingleton(static sp => BuildMeterProvider(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryStarter>());
        return builder;
    }

    internal static bool HasOtlpEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    internal static ResourceBuilder CreateResource(IConfiguration configuration, IHostEnvironment environment)
    {
        var name = configuration["OTEL_SERVICE_NAME"];
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var resource = ResourceBuilder.CreateEmpty()
            .AddService(string.IsNullOrWhiteSpace(name) ? environment.ApplicationName : name, serviceVersion: version, autoGenerateServiceInstanceId: true)
            .AddTelemetrySdk();
        var attributes = ParseResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        if (attributes.Count > 0)
        {
            resource.AddAttributes(attributes);
        }

        return resource;
    }

    /// <summary>Parses <c>OTEL_RESOURCE_ATTRIBUTES</c> (<c>key1=value1,key2=value2</c>, values percent-encoded).</summary>
    internal static List<KeyValuePair<string, object>> ParseResourceAttributes(string? text)
    {
        var attributes = new List<KeyValuePair<string, object>>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return attributes;
        }

        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            attributes.Add(new(pair[..equals].Trim(), Uri.UnescapeDataString(pair[(equals + 1)..].Trim())));
        }

        return attributes;
    }

    private static TracerProvider BuildTracerProvider(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        var builder = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(s => s.AddSingleton(configuration))
            .SetResourceBuilder(CreateResource(configuration, services.GetRequiredService<IHostEnvironment>()))
            .AddSource([.. TraceSources]);
        if (HasOtlpEndpoint(configuration))
        {
            builder.AddOtlpExporter();
        }

        if (options.JaegerEndpoint is { } jaeger)
        {
            var protocol = string.Equals(options.JaegerProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            builder.AddOtlpExporter("jaeger", o =>
            {
                o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(jaeger, "v1/traces") : jaeger;
                o.Protocol = protocol;
            });
        }

        foreach (var configurator in services.GetServices<TelemetryConfigurator>())
        {
            configurator.Tracing?.Invoke(builder);
        }

        return builder.Build();
    }

    private static MeterProvider BuildMeterProvider(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(s => s.AddSingleton(configuration))
            .SetResourceBuilder(CreateResource(configuration, services.GetRequiredService<IHostEnvironment>()))
            .AddMeter([.. Meters])
            .AddView("redbook.server.duration", new ExplicitBucketHistogramConfiguration { Boundaries = s_durationBuckets })
            .AddView("redbook.client.duration", new ExplicitBucketHistogramConfiguration { Boundaries = s_durationBuckets });
        if (HasOtlpEndpoint(configuration))
        {
            builder.AddOtlpExporter();
        }

        foreach (var configurator in services.GetServices<TelemetryConfigurator>())
        {
            configurator.Metrics?.Invoke(builder);
        }

        return builder.Build();
    }

}

/// <summary>An addition to the tracer or meter provider's setup.</summary>
internal sealed record TelemetryConfigurator(Action<TracerProviderBuilder>? Tracing, Action<MeterProviderBuilder>? Metrics);

/// <summary>
/// Builds the providers before the server takes traffic, so the first request is traced and measured, and flushes them
/// when the host has stopped. It keeps the providers it built: by <see cref="StoppedAsync"/> the container may already
/// be disposed (a host run by <c>RunAsync</c> while a test host stops it too), and a lookup there would throw.
/// </summary>
internal sealed class TelemetryStarter(IServiceProvider services) : IHostedLifecycleService
{
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _tracerProvider = services.GetRequiredService<TracerProvider>();
        _meterProvider = services.GetRequiredService<MeterProvider>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _tracerProvider?.ForceFlush(5000);
        _meterProvider?.ForceFlush(5000);
        return Task.CompletedTask;
    }
}
