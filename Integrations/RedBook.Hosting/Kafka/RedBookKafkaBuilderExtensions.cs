using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// Adds Kafka to the application model: <c>AddRedBookKafka("kafka").WithKafkaUI()</c>, as with Aspire.Hosting.Kafka's
/// <c>AddKafka</c>.
/// </summary>
public static class RedBookKafkaBuilderExtensions
{
    internal const string Registry = "docker.io";
    internal const string Image = "confluentinc/confluent-local";
    internal const string Tag = "8.2.0";
    internal const string UIImage = "kafbat/kafka-ui";
    internal const string UITag = "v1.5.0";
    internal const int UIPort = 8080;
    internal const string DataDirectory = "/var/lib/kafka/data";

    /// <summary>
    /// Adds a Kafka broker container. Host processes reach it on a port Aspire allocates; the health check asks the
    /// broker for its API versions.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name (and the connection string's name).</param>
    /// <example><code>var kafka = builder.AddRedBookKafka("kafka").WithKafkaUI().WithDataVolume();</code></example>
    public static IResourceBuilder<RedBookKafkaServerResource> AddRedBookKafka(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var kafka = new RedBookKafkaServerResource(name);
        var healthCheckKey = AddHealthCheck(builder, kafka);
        return builder.AddResource(kafka)
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithIconName("MailMultiple")
            .WithEndpoint(targetPort: RedBookKafkaServerResource.PrimaryTargetPort, name: RedBookKafkaServerResource.PrimaryEndpointName)
            .WithEndpoint(targetPort: RedBookKafkaServerResource.InternalTargetPort, name: RedBookKafkaServerResource.InternalEndpointName)
            .WithEnvironment(context => ConfigureListeners(context, kafka))
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Adds the Kafka UI (one container for every Kafka resource of the model, named <c>kafka-ui</c> unless given),
    /// shown as the broker's child in the dashboard.
    /// </summary>
    /// <param name="builder">The broker.</param>
    /// <param name="configureContainer">Configures the UI container.</param>
    /// <param name="containerName">The UI resource's name.</param>
    public static IResourceBuilder<RedBookKafkaServerResource> WithKafkaUI(this IResourceBuilder<RedBookKafkaServerResource> builder, Action<IResourceBuilder<RedBookKafkaUIContainerResource>>? configureContainer = null, string? containerName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var application = builder.ApplicationBuilder;
        if (application.Resources.OfType<RedBookKafkaUIContainerResource>().SingleOrDefault() is { } existing)
        {
            configureContainer?.Invoke(application.CreateResourceBuilder(existing));
            return builder;
        }

        var ui = new RedBookKafkaUIContainerResource(containerName ?? "kafka-ui");
        var uiBuilder = application.AddResource(ui)
            .WithImage(UIImage, UITag)
            .WithImageRegistry(Registry)
            .WithIconName("WindowDatabase")
            .WithHttpEndpoint(targetPort: UIPort)
            .WithEnvironment(context =>
            {
                var index = 0;
                foreach (var kafka in application.Resources.OfType<RedBookKafkaServerResource>())
                {
                    ConfigureUICluster(context, kafka, index++);
                }
            })
            .WithParentRelationship(builder)
            .WaitFor(builder)
            .ExcludeFromManifest();
        configureContainer?.Invoke(uiBuilder);
        return builder;
    }

    /// <summary>
    /// Keeps the broker's log in a named volume. The default name is Aspire's <see cref="VolumeNameGenerator"/>:
    /// <c>{apphost name}-{hash of the AppHost path}-{resource}-data</c>.
    /// </summary>
    /// <param name="builder">The broker.</param>
    /// <param name="name">The volume name; <see langword="null"/> generates one.</param>
    public static IResourceBuilder<RedBookKafkaServerResource> WithDataVolume(this IResourceBuilder<RedBookKafkaServerResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithEnvironment("KAFKA_LOG_DIRS", DataDirectory)
            .WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), DataDirectory);
    }

    /// <summary>Registers the ApiVersions check of a Kafka resource, fed with its connection string once it is known.</summary>
    internal static string AddHealthCheck(IDistributedApplicationBuilder builder, IResourceWithConnectionString kafka)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(kafka, async (_, ct) =>
            connectionString = await kafka.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var key = $"{kafka.Name}_check";
        var check = new KafkaApiVersionsHealthCheck(() => connectionString);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: default, tags: default));
        return key;
    }

    /// <summary>
    /// Three listeners: the image's own (PLAINTEXT, for its tools), one for the host (advertised as localhost and the
    /// host port Aspire gave the endpoint) and one for containers (advertised as the resource's name on Aspire's
    /// container network). In publish mode both advertise what the deployment's endpoints resolve to.
    /// </summary>
    private static void ConfigureListeners(EnvironmentCallbackContext context, RedBookKafkaServerResource kafka)
    {
        const int primary = RedBookKafkaServerResource.PrimaryTargetPort;
        const int @internal = RedBookKafkaServerResource.InternalTargetPort;
        context.EnvironmentVariables["KAFKA_LISTENERS"] = $"PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:{primary},PLAINTEXT_INTERNAL://0.0.0.0:{@internal}";
        context.EnvironmentVariables["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT,PLAINTEXT_INTERNAL:PLAINTEXT";
        context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = context.ExecutionContext.IsRunMode
            ? ReferenceExpression.Create($"PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:{kafka.PrimaryEndpoint.Property(EndpointProperty.Port)},PLAINTEXT_INTERNAL://{kafka.Name}:{kafka.InternalEndpoint.Property(EndpointProperty.TargetPort)}")
            : ReferenceExpression.Create($"PLAINTEXT://{kafka.PrimaryEndpoint.Property(EndpointProperty.Host)}:29092,PLAINTEXT_HOST://{kafka.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},PLAINTEXT_INTERNAL://{kafka.InternalEndpoint.Property(EndpointProperty.HostAndPort)}");
    }

    private static void ConfigureUICluster(EnvironmentCallbackContext context, RedBookKafkaServerResource kafka, int index)
    {
        context.EnvironmentVariables[$"KAFKA_CLUSTERS_{index}_NAME"] = kafka.Name;
        context.EnvironmentVariables[$"KAFKA_CLUSTERS_{index}_BOOTSTRAPSERVERS"] = context.ExecutionContext.IsRunMode
            ? ReferenceExpression.Create($"{kafka.Name}:{kafka.InternalEndpoint.Property(EndpointProperty.TargetPort)}")
            : ReferenceExpression.Create($"{kafka.InternalEndpoint.Property(EndpointProperty.HostAndPort)}");
    }
}
