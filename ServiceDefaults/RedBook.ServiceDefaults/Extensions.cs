using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.Server;
using RedBook.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The entry points every RedBook service calls, named as in the stock Aspire ServiceDefaults
/// template so that it is a drop-in swap: <c>builder.AddServiceDefaults()</c> and
/// <c>app.MapDefaultEndpoints()</c>.
/// </summary>
public static class RedBookServiceDefaultsExtensions
{
    /// <summary>The liveness endpoint path.</summary>
    public const string AlivePath = "/alive";

    /// <summary>The readiness endpoint path.</summary>
    public const string HealthPath = "/health";

    /// <summary>
    /// Adds RedBook's service defaults: the server pipeline (error model, metadata, deadline, shedding, rate limits,
    /// access log, graceful shutdown), OpenTelemetry, health checks, governance, the HTTP client pipeline, and — when
    /// <c>RedBook:Etcd:Endpoints</c> is set — etcd configuration, registration and discovery.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRedBookServer();
        builder.AddRedBookTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.ConfigureHttpClientDefaults(static http => http.AddRedBookPipeline());
        builder.AddRedBookEtcd(); // live configuration, registration, discovery; does nothing without RedBook:Etcd:Endpoints
        return builder;
    }

    /// <summary>
    /// Adds the rate limiter (BBR shedding, per-route limits, optional CoDel) at this point of the pipeline and maps
    /// <c>/health</c> (readiness, every check), <c>/alive</c> (liveness, checks tagged "live") and the governance
    /// endpoints under <c>/_redbook</c> (management port or loopback only).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRedBookServer();
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
