using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RedBook.ServiceDefaults.Grpc.Health;

namespace RedBook.ServiceDefaults.Grpc;

/// <summary>gRPC bindings of the RedBook service defaults.</summary>
public static class GrpcServiceDefaultsExtensions
{
    /// <summary>
    /// Adds the gRPC server with RedBook's defaults: detailed errors off, so no internal detail leaves
    /// the process; and the options of the gRPC health service (<see cref="GrpcHealthOptions"/>, section
    /// <c>RedBook:Grpc:Health</c>, validated at start).
    /// </summary>
    public static IServiceCollection AddRedBookGrpc(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrpc(options => options.EnableDetailedErrors = false);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GrpcHealthOptions>()
            .BindConfiguration(GrpcHealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Maps the standard gRPC health service, <c>grpc.health.v1.Health</c> (Check and Watch), answered
    /// from the application's health checks: the empty service name covers every check, another name
    /// the checks tagged with it (e.g. <c>"live"</c> for the liveness checks).
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapRedBookGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcService<GrpcHealthService>();
    }
}
