using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds the development Kafka broker (local mode's stand-in for the Kafka container).</summary>
public static class RedBookKafkaDevBrokerBuilderExtensions
{
    /// <summary>
    /// Adds the development broker project <typeparamref name="TProject"/> as a Kafka resource. The AppHost reads the
    /// bootstrap address from the broker's output (a line with <c>bootstrap</c> and the loopback <c>host:port</c>
    /// list); the resource is healthy once a broker at that address answers the Kafka protocol, so services that
    /// <c>WaitFor</c> it start with a working address.
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
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, (@event, ct) =>
        {
            broker.Bootstrap.Reset();
            var logs = @event.Services.GetRequiredService<ResourceLoggerService>();
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => ReadBootstrapAddressAsync(logs, broker, stopping), stopping);
            return Task.CompletedTask;
        });

#pragma warning disable ASPIREPROJECTS001 // the project defaults (OTLP, launch settings, service name) of AddProject for a resource type of our own
        return builder.AddResource(broker)
            .WithAnnotation<IProjectMetadata>(new TProject())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true })
#pragma warning restore ASPIREPROJECTS001
            .WithIconName("MailMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static async Task ReadBootstrapAddressAsync(ResourceLoggerService logs, RedBookKafkaDevBrokerResource broker, CancellationToken stopping)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(broker).WithCancellation(stopping).ConfigureAwait(false))
            {
                if (batch.Any(line => broker.Bootstrap.TryObserve(line.Content)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }
}
