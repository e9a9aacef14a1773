using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
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
    /// access log, graceful shutdown), the gRPC endpoint (<c>RedBook:Grpc:Port</c>, HTTP/2), OpenTelemetry, health
    /// checks, governance, service discovery (Microsoft.Extensions.ServiceDiscovery: Aspire's <c>services:</c>
    /// configuration, then the pass-through provider), the HTTP client pipeline on every <c>HttpClient</c>, and — when
    /// <c>RedBook:Etcd:Endpoints</c> is set — etcd configuration, registration and discovery (an endpoint provider
    /// ahead of the pass-through one).
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRedBookServer();
        builder.AddRedBookGrpcEndpoint();
        builder.AddRedBookTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(static http => http.AddRedBookPipeline());
        builder.AddRedBookEtcd(); // live configuration, registration, discovery; does nothing without RedBook:Etcd:Endpoints
        return builder;
    }

    /// <summary>
    /// Binds <see cref="GrpcEndpointOptions"/> (<c>RedBook:Grpc</c>) and, when it names a port, adds a Kestrel listener
    /// there that speaks HTTP/2: h2c in plain text, HTTP/1.1 and HTTP/2 over TLS.
    /// </summary>
    public static TBuilder AddRedBookGrpcEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GrpcEndpointOptions>().BindConfiguration(GrpcEndpointOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, GrpcEndpointStartupFilter>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, GrpcEndpointKestrelSetup>());
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
