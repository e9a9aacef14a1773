using Microsoft.Extensions.DependencyInjection;

namespace RedBook.ServiceDefaults.Grpc;

/// <summary>gRPC bindings of the RedBook service defaults.</summary>
public static class GrpcServiceDefaultsExtensions
{
    /// <summary>Adds the gRPC server with RedBook's defaults: detailed errors off, so no internal detail leaves the process.</summary>
    public static IServiceCollection AddRedBookGrpc(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrpc(options => options.EnableDetailedErrors = false);
        return services;
    }
}
