using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RedBook.ServiceDefaults.Http;

/// <summary>The shared services every client runtime is built from (one instance per application).</summary>
internal sealed class ClientPipelineParts
{
    public ClientPipelineParts(TimeProvider timeProvider, IConfiguration configuration, IHostEnvironment? environment, ClientTelemetry telemetry)
    {
        TimeProvider = timeProvider;
        Telemetry = telemetry;
        // The name callers see: OTEL_SERVICE_NAME (Aspire sets it to the resource name), else the application name.
        CallerName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otel ? otel : environment?.ApplicationName ?? "unknown";
    }

    public TimeProvider TimeProvider { get; }

    public string CallerName { get; }

    public ClientTelemetry Telemetry { get; }
}
