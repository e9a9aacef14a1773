using Aspire.Hosting.ApplicationModel;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds the development Kafka broker (local mode's stand-in for the Kafka container).</summary>
public static class RedBookKafkaDevBrokerBuilderExtensions
{
    /// <summary>
    /// Adds the development broker project <typeparamref name="TProject"/> as a Kafka resource: one broker on a
    /// loopback port Aspire allocates (<c>--port</c>, not proxied: the broker advertises the port clients must
    /// reconnect to), healthy once it answers the Kafka protocol there. Services reference it by name, as the
    /// container broker.
    /// </summary>
    /// <typeparam name="TProject">The broker project's metadata type (<c>Projects.RedBook_Kafka_DevBroker</c>).</typeparam>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name (and the connection string's name).</param>
    public static IResourceBuilder<RedBookKafkaDevBrokerResource> AddRedBookKafkaDevBroker<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var broker = new RedBookKafkaDevBrokerResource(name);
        var healthCheckKey = RedBookKafkaBuilderExtensions.AddHealthCheck(builder, broker);
        var endpoint = broker.PrimaryEndpoint;
#pragma warning disable ASPIREPROJECTS001 // AddProject's defaults (OTLP, service name, the rebuild command) for a resource type of our own
        return builder.AddResource(broker)
            .WithAnnotation<IProjectMetadata>(new TProject())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
#pragma warning restore ASPIREPROJECTS001
            .WithIconName("MailMultiple")
            .WithEndpoint(name: RedBookKafkaDevBrokerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }
}
