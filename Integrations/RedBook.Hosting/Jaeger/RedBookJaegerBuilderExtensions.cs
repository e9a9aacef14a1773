using Aspire.Hosting.ApplicationModel;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds Jaeger to the application model and sends services' traces to it.</summary>
public static class RedBookJaegerBuilderExtensions
{
    internal const string Registry = "docker.io";
    internal const string Image = "jaegertracing/all-in-one";
    internal const string Tag = "1.74.0";

    /// <summary>
    /// Adds Jaeger all-in-one (traces kept in memory). Its UI, OTLP/gRPC and OTLP/HTTP receivers get host ports from
    /// Aspire; the health check is Jaeger's admin endpoint.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    public static IResourceBuilder<RedBookJaegerResource> AddRedBookJaeger(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        return builder.AddResource(new RedBookJaegerResource(name))
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithIconName("BranchFork")
            .WithHttpEndpoint(targetPort: RedBookJaegerResource.UIPort, name: RedBookJaegerResource.UIEndpointName)
            .WithHttpEndpoint(targetPort: RedBookJaegerResource.OtlpGrpcPort, name: RedBookJaegerResource.OtlpGrpcEndpointName)
            .WithHttpEndpoint(targetPort: RedBookJaegerResource.OtlpHttpPort, name: RedBookJaegerResource.OtlpHttpEndpointName)
            .WithHttpEndpoint(targetPort: RedBookJaegerResource.AdminPort, name: RedBookJaegerResource.AdminEndpointName)
            .WithEnvironment("COLLECTOR_OTLP_ENABLED", "true")
            .WithHttpHealthCheck("/", endpointName: RedBookJaegerResource.AdminEndpointName);
    }

    /// <summary>
    /// Sends a service's traces to Jaeger as well as to the dashboard: RedBook's ServiceDefaults add a second OTLP
    /// trace exporter for <c>RedBook__Telemetry__JaegerEndpoint</c>. The service doesn't wait for Jaeger: a missing
    /// trace store must not keep the system down.
    /// </summary>
    /// <typeparam name="T">The service's resource type.</typeparam>
    /// <param name="builder">The service.</param>
    /// <param name="jaeger">Jaeger.</param>
    public static IResourceBuilder<T> WithRedBookJaegerExporter<T>(this IResourceBuilder<T> builder, IResourceBuilder<RedBookJaegerResource> jaeger)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(jaeger);
        return builder
            .WithEnvironment("RedBook__Telemetry__JaegerEndpoint", jaeger.Resource.OtlpGrpcEndpoint)
            .WithEnvironment("RedBook__Telemetry__JaegerProtocol", "grpc");
    }
}
