using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
/// OpenTelemetry for a RedBook service, in the shape of Aspire's ServiceDefaults template
/// (OpenTelemetry.Extensions.Hosting with the instrumentation packages), plus RedBook's own sources and meters, the
/// optional second trace exporter to Jaeger, and trace and span ids on every log line. Add your own sources, meters
/// or exporters the standard way: <c>builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource("..."))</c>.
/// </summary>
internal static class RedBookTelemetryExtensions
{
    internal static IHostApplicationBuilder AddRedBookTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var environment = builder.Environment;

        // Trace and span ids on every log line, for every logger provider (console, the access log, OTLP).
        builder.Logging.Configure(static o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.AddOpenTelemetry(static logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // The SDK reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (Aspire sets both); this adds the version, and a
        // name and instance id when the service runs without them.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : environment.ApplicationName,
                serviceVersion: Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                autoGenerateServiceInstanceId: string.IsNullOrWhiteSpace(configuration["OTEL_RESOURCE_ATTRIBUTES"])))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(RedBookDiagnostics.Name))
            .WithTracing(tracing => tracing
                .AddSource(environment.ApplicationName)
                .AddSource(RedBookDiagnostics.Name)
                .AddAspNetCoreInstrumentation(static o => o.Filter = static context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        var telemetry = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.JaegerEndpoint is { } jaeger)
        {
            // A processor of its own: UseOtlpExporter does not combine with a second AddOtlpExporter.
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new BatchActivityExportProcessor(CreateJaegerExporter(jaeger, telemetry.JaegerProtocol))));
        }

        return builder;
    }

    /// <summary>The liveness and readiness probes: neither traced nor worth a span each time the orchestrator asks.</summary>
    internal static bool IsProbe(PathString path) =>
        path.StartsWithSegments(RedBookServiceDefaultsExtensions.HealthPath) || path.StartsWithSegments(RedBookServiceDefaultsExtensions.AlivePath);

    private static OtlpTraceExporter CreateJaegerExporter(Uri endpoint, string protocol)
    {
        var http = string.Equals(protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase);
        return new OtlpTraceExporter(new OtlpExporterOptions
        {
            Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
            Endpoint = http ? new Uri(endpoint, "v1/traces") : endpoint,
            Headers = string.Empty, // OTEL_EXPORTER_OTLP_HEADERS (the dashboard's API key) is not Jaeger's business
        });
    }
}
