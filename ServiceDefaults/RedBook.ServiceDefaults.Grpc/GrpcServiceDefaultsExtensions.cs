using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc.Errors;
using RedBook.ServiceDefaults.Grpc.Health;

namespace RedBook.ServiceDefaults.Grpc;

/// <summary>gRPC bindings of the RedBook service defaults.</summary>
public static class GrpcServiceDefaultsExtensions
{
    /// <summary>
    /// Adds the gRPC server with RedBook's defaults. The server pipeline's behaviours are HTTP middleware and apply to gRPC
    /// calls as they are (deadline from <c>grpc-timeout</c>, metadata, shedding, rate limits, access log, RED metrics by
    /// <c>grpc-status</c>); this adds what is gRPC's own: <see cref="RedBookServerErrorInterceptor"/> (the error model as a
    /// status with <c>google.rpc.Status</c> details; nothing internal leaves the process, detailed errors are off), the
    /// error writer that answers the pipeline's own rejections of gRPC requests with a gRPC status, and the standard health
    /// service (Grpc.AspNetCore.HealthChecks) over the application's health checks: service <c>""</c> is every check, a
    /// tag (<c>live</c>, ...) the checks tagged with it. <c>RedBook:Grpc:Health:WatchInterval</c> is how often Watch
    /// streams re-evaluate.
    /// </summary>
    public static IServiceCollection AddRedBookGrpc(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var name = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otel ? otel : sp.GetService<IHostEnvironment>()?.ApplicationName ?? "unknown";
            return new GrpcErrorDomain(name);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRedBookErrorWriter, GrpcErrorResponseWriter>());
        services.AddGrpc(static options =>
        {
            options.EnableDetailedErrors = false;
            options.Interceptors.Add<RedBookServerErrorInterceptor>();
        });

        services.AddOptions<GrpcHealthOptions>()
            .BindConfiguration(GrpcHealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddGrpcHealthChecks();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<GrpcHealthChecksOptions>, GrpcHealthServiceMapping>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckPublisherOptions>, GrpcHealthPublisherSetup>());
        return services;
    }

    /// <summary>
    /// Maps the standard gRPC health service, <c>grpc.health.v1.Health</c> (Check and Watch), of Grpc.AspNetCore.HealthChecks.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapRedBookGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcHealthChecksService();
    }
}
