using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RedBook.Clients.Kafka;
using RedBook.Messaging.Consuming;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Telemetry;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers the outbox relay and the idempotent consumer groups of a service (see docs/messaging.md). Kafka is the
/// connection named by <c>kafkaConnectionName</c> (<c>ConnectionStrings:{name}</c>, read as the Kafka client
/// integration reads it).
/// </summary>
public static class RedBookMessagingExtensions
{
    /// <summary>
    /// Runs the outbox relay: publishes the <see cref="IOutboxStore"/> registered in the container (or the one
    /// <paramref name="storeFactory"/> returns) to Kafka with an idempotent producer, and registers
    /// <see cref="IOutboxSignal"/>, which the store calls after committing outbox rows to wake the relay.
    /// Settings: <c>RedBook:Messaging:Relay</c>, then <paramref name="configure"/>.
    /// </summary>
    /// <remarks>
    /// The relay registers no health check: a Kafka outage is absorbed by the outbox and must not take the service out
    /// of load balancing.
    /// </remarks>
    public static IHostApplicationBuilder AddRedBookOutboxRelay(this IHostApplicationBuilder builder, string kafkaConnectionName,
        Action<OutboxRelayOptions>? configure = null, Func<IServiceProvider, IOutboxStore>? storeFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(kafkaConnectionName);
        var options = new OutboxRelayOptions();
        builder.Configuration.GetSection(OutboxRelayOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        var producerSettings = builder.Configuration.ReadRedBookKafkaProducerSettings(kafkaConnectionName, s => ReliableProducer(s, options.EffectivePublishTimeout));

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<IOutboxSignal>(static sp => sp.GetRequiredService<OutboxSignal>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddRedBookLeaderElection(options.Election);
        builder.Services.AddHostedService(sp =>
        {
            var loggerFactory = sp.GetRequiredService<ILoggerFactory>();
            return new OutboxRelay(
                storeFactory?.Invoke(sp) ?? sp.GetRequiredService<IOutboxStore>(),
                sp.GetRequiredService<OutboxSignal>(),
                () => RedBookKafkaExtensions.BuildRedBookKafkaProducer<string, string>(producerSettings, loggerFactory),
                options,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory.CreateLogger<OutboxRelay>(),
                sp.GetRequiredKeyedService<ILeaderElection>(options.Election));
        });
        AddTelemetry(builder.Services);
        return builder;
    }

    /// <summary>
    /// Adds the <c>outbox-purge</c> job (<see cref="OutboxPurgeJob"/>): while this instance leads
    /// <paramref name="election"/>, every <c>RedBook:Jobs:outbox-purge:Interval</c> (default 10 minutes) it deletes the
    /// messages sent more than <c>RedBook:Jobs:outbox-purge:SentRetention</c> ago (default 1 day) from the
    /// <see cref="IOutboxStore"/> registered in the container. Use the relay's election, so the replicas that share one
    /// outbox purge it once.
    /// </summary>
    public static IHostApplicationBuilder AddRedBookOutboxPurgeJob(this IHostApplicationBuilder builder, string election = LeaderElectionConstants.DefaultElection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OutboxPurgeOptions>()
            .BindConfiguration($"{RedBookJobOptions.SectionName}:{OutboxPurgeJob.Name}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddRedBookJob<OutboxPurgeJob>(OutboxPurgeJob.Name, TimeSpan.FromMinutes(10), election);
        return builder;
    }

    /// <summary>
    /// Runs consumer group <paramref name="consumerGroup"/> over the handlers <paramref name="configureHandlers"/>
    /// registers (per topic and event type): manual commits after the handler succeeds, bounded retries, then
    /// <c>{topic}.dlq</c>. Settings: <c>RedBook:Messaging:Consumers:{group}</c>, then <paramref name="configure"/>; the
    /// Kafka consumer's own settings come from <c>RedBook:Clients:Kafka:Consumer</c> (the group id, auto-commit and
    /// offset store are set here).
    /// </summary>
    /// <remarks>Registers no health check, for the reason given on <see cref="AddRedBookOutboxRelay"/>.</remarks>
    public static IHostApplicationBuilder AddRedBookEventConsumer(this IHostApplicationBuilder builder, string kafkaConnectionName, string consumerGroup,
        Action<EventConsumerBuilder> configureHandlers, Action<EventConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(kafkaConnectionName);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(configureHandlers);

        var handlers = new EventConsumerBuilder(builder.Services, consumerGroup);
        configureHandlers(handlers);
        if (handlers.Routes.Count == 0)
        {
            throw new InvalidOperationException($"Consumer group '{consumerGroup}' registers no handler.");
        }

        var options = new EventConsumerOptions();
        builder.Configuration.GetSection($"{EventConsumerOptions.SectionName}:{consumerGroup}").Bind(options);
        configure?.Invoke(options);
        var consumerSettings = builder.Configuration.ReadRedBookKafkaConsumerSettings(kafkaConnectionName, s =>
        {
            s.Config.GroupId = consumerGroup;
            s.Config.ClientId ??= consumerGroup;
            s.Config.EnableAutoCommit = false;
            s.Config.EnableAutoOffsetStore = false;
            s.Config.EnablePartitionEof = false;
            s.Config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
            // A group that starts before its topic exists finds it within seconds, not librdkafka's default 5 min.
            s.Config.TopicMetadataRefreshIntervalMs ??= 10_000;
            // The host starts its own "process" activity per message.
            s.DisableTracing = true;
        });
        var deadLetterSettings = builder.Configuration.ReadRedBookKafkaProducerSettings(kafkaConnectionName, s => ReliableProducer(s, options.EffectiveDeadLetterPublishTimeout));
        var routes = new Dictionary<(string Topic, string Type), Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<bool>>>(handlers.Routes);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHostedService>(sp =>
        {
            var loggerFactory = sp.GetRequiredService<ILoggerFactory>();
            return new EventConsumerHost(
                consumerGroup,
                routes,
                () => RedBookKafkaExtensions.BuildRedBookKafkaConsumer<string, byte[]>(consumerSettings, loggerFactory),
                () => RedBookKafkaExtensions.BuildRedBookKafkaProducer<string, byte[]>(deadLetterSettings, loggerFactory),
                sp.GetRequiredService<IServiceScopeFactory>(),
                options,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory.CreateLogger<EventConsumerHost>());
        });
        AddTelemetry(builder.Services);
        return builder;
    }

    private static void ReliableProducer(RedBookKafkaProducerSettings settings, TimeSpan publishTimeout)
    {
        // Idempotence and acks=all are what make "published" mean "stored by every in-sync replica, once, in order".
        settings.Config.EnableIdempotence = true;
        settings.Config.Acks = Acks.All;
        settings.Config.MessageTimeoutMs = (int)publishTimeout.TotalMilliseconds;
        settings.DisableTracing = true;
    }

    private static void AddTelemetry(IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .WithTracing(static t => t.AddSource(RedBookKafkaTelemetry.Name))
            .WithMetrics(static m => m.AddMeter(MessagingMetrics.MeterName).AddMeter(RedBookKafkaTelemetry.Name));
    }
}
