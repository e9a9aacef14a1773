namespace RedBook.ServiceDefaults.Telemetry;

/// <summary>
/// RedBook's telemetry knobs (<c>RedBook:Telemetry</c>), read once at startup because the providers are built then.
/// The OTLP exporter itself is driven by the standard <c>OTEL_*</c> settings that Aspire injects
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>_PROTOCOL</c>, <c>_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_TRACES_SAMPLER</c>).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Telemetry";

    /// <summary>
    /// A second trace exporter: Jaeger's OTLP endpoint (<c>http://jaeger:4317</c>), set by the AppHost. Empty means
    /// none.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? JaegerEndpoint { get; set; }

    /// <summary>The OTLP protocol spoken to <see cref="JaegerEndpoint"/>: <c>grpc</c> or <c>http/protobuf</c>.</summary>
    /// <value>The default is <c>grpc</c>.</value>
    public string JaegerProtocol { get; set; } = "grpc";
}
