using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RedBook.Clients.Kafka;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers Confluent.Kafka producers and consumers in the service's container, in the shape of Aspire's
/// Aspire.Confluent.Kafka (<c>AddKafkaProducer</c>/<c>AddKafkaConsumer</c>), which is not served here. Each client gets
/// a health check, traces (W3C trace context in the message headers) and metrics from librdkafka's statistics,
/// each of which a settings flag turns off. See docs/integrations.md.
/// </summary>
public static class RedBookKafkaExtensions
{
    /// <summary>The settings section of producers (<c>RedBook:Clients:Kafka:Producer</c>, then <c>...:Producer:{name}</c>).</summary>
    public const string ProducerSectionName = "RedBook:Clients:Kafka:Producer";

    /// <summary>The settings section of consumers (<c>RedBook:Clients:Kafka:Consumer</c>, then <c>...:Consumer:{name}</c>).</summary>
    public const string ConsumerSectionName = "RedBook:Clients:Kafka:Consumer";

    /// <summary>
    /// Registers an <see cref="IProducer{TKey, TValue}"/> singleton connected to <c>ConnectionStrings:{connectionName}</c>.
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="connectionName">The connection string's name (also the settings' subsection).</param>
    /// <param name="configureSettings">Changes the settings after configuration is read.</param>
    /// <param name="configureBuilder">Changes the producer builder (serializers, handlers) before it builds.</param>
    public static IHostApplicationBuilder AddRedBookKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName,
        Action<RedBookKafkaProducerSettings>? configureSettings = null, Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null) =>
        AddProducer(builder, connectionName, serviceKey: null, configureSettings, configureBuilder);

    /// <summary>Registers a keyed <see cref="IProducer{TKey, TValue}"/> singleton (key = <paramref name="name"/>), otherwise as <see cref="AddRedBookKafkaProducer{TKey, TValue}"/>.</summary>
    public static IHostApplicationBuilder AddKeyedRedBookKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string name,
        Action<RedBookKafkaProducerSettings>? configureSettings = null, Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null) =>
        AddProducer(builder, name, serviceKey: name, configureSettings, configureBuilder);

    /// <summary>
    /// Registers an <see cref="IConsumer{TKey, TValue}"/> singleton connected to <c>ConnectionStrings:{connectionName}</c>.
    /// The settings must name a <see cref="ConsumerConfig.GroupId"/>.
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="connectionName">The connection string's name (also the settings' subsection).</param>
    /// <param name="configureSettings">Changes the settings after configuration is read.</param>
    /// <param name="configureBuilder">Changes the consumer builder (deserializers, handlers) before it builds.</param>
    public static IHostApplicationBuilder AddRedBookKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName,
        Action<RedBookKafkaConsumerSettings>? configureSettings = null, Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null) =>
        AddConsumer(builder, connectionName, serviceKey: null, configureSettings, configureBuilder);

    /// <summary>Registers a keyed <see cref="IConsumer{TKey, TValue}"/> singleton (key = <paramref name="name"/>), otherwise as <see cref="AddRedBookKafkaConsumer{TKey, TValue}"/>.</summary>
    public static IHostApplicationBuilder AddKeyedRedBookKafkaConsumer<TKey, TValue>(this IHostApplicationBuilder builder, string name,
        Action<RedBookKafkaConsumerSettings>? configureSettings = null, Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null) =>
        AddConsumer(builder, name, serviceKey: name, configureSettings, configureBuilder);

    /// <summary>
    /// Reads producer settings the way <see cref="AddRedBookKafkaProducer{TKey, TValue}"/> does (section, named subsection,
    /// connection string, delegate) and validates them; for components that build their own producer, such as the outbox relay.
    /// </summary>
    /// <exception cref="InvalidOperationException">No bootstrap servers are configured, or the connection string is malformed.</exception>
    public static RedBookKafkaProducerSettings ReadRedBookKafkaProducerSettings(this IConfiguration configuration, string connectionName, Action<RedBookKafkaProducerSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var settings = new RedBookKafkaProducerSettings();
        Bind(configuration.GetSection(ProducerSectionName), settings, settings.Config);
        Bind(configuration.GetSection($"{ProducerSectionName}:{connectionName}"), settings, settings.Config);
        settings.ConnectionString = configuration.GetConnectionString(connectionName) ?? settings.ConnectionString;
        configureSettings?.Invoke(settings);
        KafkaConnectionString.Apply(settings.ConnectionString, settings.Config);
        Validate(settings.Config, connectionName, ProducerSectionName);
        return settings;
    }

    /// <summary>Reads consumer settings the way <see cref="AddRedBookKafkaConsumer{TKey, TValue}"/> does and validates them (bootstrap servers and group id).</summary>
    /// <exception cref="InvalidOperationException">No bootstrap servers or no group id are configured, or the connection string is malformed.</exception>
    public static RedBookKafkaConsumerSettings ReadRedBookKafkaConsumerSettings(this IConfiguration configuration, string connectionName, Action<RedBookKafkaConsumerSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var settings = new RedBookKafkaConsumerSettings();
        Bind(configuration.GetSection(ConsumerSectionName), settings, settings.Config);
        Bind(configuration.GetSection($"{ConsumerSectionName}:{connectionName}"), settings, settings.Config);
        settings.ConnectionString = configuration.GetConnectionString(connectionName) ?? settings.ConnectionString;
        configureSettings?.Invoke(settings);
        KafkaConnectionString.Apply(settings.ConnectionString, settings.Config);
        Validate(settings.Config, connectionName, ConsumerSectionName);
        if (string.IsNullOrWhiteSpace(settings.Config.GroupId))
        {
            throw new InvalidOperationException(
                $"The Kafka consumer '{connectionName}' has no group id: set {ConsumerSectionName}:{connectionName}:Config:GroupId or settings.Config.GroupId.");
        }

        return settings;
    }

    /// <summary>
    /// Creates a producer from <paramref name="settings"/> with the integration's metrics (librdkafka statistics),
    /// log forwarding and, unless disabled, tracing. The caller owns (disposes) it.
    /// </summary>
    public static IProducer<TKey, TValue> BuildRedBookKafkaProducer<TKey, TValue>(RedBookKafkaProducerSettings settings, ILoggerFactory? loggerFactory,
        Action<ProducerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.DisableMetrics)
        {
            settings.Config.StatisticsIntervalMs ??= 1000;
        }

        var producerBuilder = new ProducerBuilder<TKey, TValue>(settings.Config);
        if (!settings.DisableMetrics)
        {
            producerBuilder.SetStatisticsHandler(static (_, json) => KafkaStatisticsMetrics.Record(json));
        }

        if (loggerFactory is not null)
        {
            var logger = loggerFactory.CreateLogger("RedBook.Clients.Kafka.Producer");
            producerBuilder.SetLogHandler((_, message) => Log(logger, message));
        }

        configureBuilder?.Invoke(producerBuilder);
        return new InstrumentedProducer<TKey, TValue>(producerBuilder.Build(), tracing: !settings.DisableTracing);
    }

    /// <summary>
    /// Creates a consumer from <paramref name="settings"/> with the integration's metrics, log forwarding and, unless
    /// disabled, receive activities. The caller owns (closes and disposes) it.
    /// </summary>
    public static IConsumer<TKey, TValue> BuildRedBookKafkaConsumer<TKey, TValue>(RedBookKafkaConsumerSettings settings, ILoggerFactory? loggerFactory,
        Action<ConsumerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.DisableMetrics)
        {
            settings.Config.StatisticsIntervalMs ??= 1000;
        }

        var consumerBuilder = new ConsumerBuilder<TKey, TValue>(settings.Config);
        if (!settings.DisableMetrics)
        {
            consumerBuilder.SetStatisticsHandler(static (_, json) => KafkaStatisticsMetrics.Record(json));
        }

        if (loggerFactory is not null)
        {
            var logger = loggerFactory.CreateLogger("RedBook.Clients.Kafka.Consumer");
            consumerBuilder.SetLogHandler((_, message) => Log(logger, message));
        }

        configureBuilder?.Invoke(consumerBuilder);
        return new InstrumentedConsumer<TKey, TValue>(consumerBuilder.Build(), settings.Config.GroupId, tracing: !settings.DisableTracing);
    }

    /// <summary>Adds a health check that asks the cluster for metadata (name <paramref name="healthCheckName"/>).</summary>
    public static IServiceCollection AddRedBookKafkaHealthCheck(this IServiceCollection services, string healthCheckName, ClientConfig config, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(healthCheckName);
        ArgumentNullException.ThrowIfNull(config);
        var snapshot = config.ToList();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckName,
            _ => new KafkaHealthCheck(snapshot, timeout),
            failureStatus: null,
            tags: ["kafka"],
            timeout: KafkaHealthCheck.Clamp(timeout) + TimeSpan.FromSeconds(1)));
        return services;
    }

    private static IHostApplicationBuilder AddProducer<TKey, TValue>(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<RedBookKafkaProducerSettings>? configureSettings, Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.ReadRedBookKafkaProducerSettings(connectionName, configureSettings);
        IProducer<TKey, TValue> Factory(IServiceProvider sp) =>
            BuildRedBookKafkaProducer<TKey, TValue>(settings, sp.GetService<ILoggerFactory>(), configureBuilder is null ? null : b => configureBuilder(sp, b));

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Factory);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (sp, _) => Factory(sp));
        }

        AddTelemetry(builder, settings.DisableTracing, settings.DisableMetrics);
        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddRedBookKafkaHealthCheck(serviceKey is null ? "redbook-kafka-producer" : $"redbook-kafka-producer_{serviceKey}", settings.Config, settings.HealthCheckTimeout);
        }

        return builder;
    }

    private static IHostApplicationBuilder AddConsumer<TKey, TValue>(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<RedBookKafkaConsumerSettings>? configureSettings, Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.ReadRedBookKafkaConsumerSettings(connectionName, configureSettings);
        IConsumer<TKey, TValue> Factory(IServiceProvider sp) =>
            BuildRedBookKafkaConsumer<TKey, TValue>(settings, sp.GetService<ILoggerFactory>(), configureBuilder is null ? null : b => configureBuilder(sp, b));

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Factory);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (sp, _) => Factory(sp));
        }

        AddTelemetry(builder, settings.DisableTracing, settings.DisableMetrics);
        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddRedBookKafkaHealthCheck(serviceKey is null ? "redbook-kafka-consumer" : $"redbook-kafka-consumer_{serviceKey}", settings.Config, settings.HealthCheckTimeout);
        }

        return builder;
    }

    private static void AddTelemetry(IHostApplicationBuilder builder, bool disableTracing, bool disableMetrics)
    {
        if (!disableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(static t => t.AddSource(RedBookKafkaTelemetry.Name));
        }

        if (!disableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(static m => m.AddMeter(RedBookKafkaTelemetry.Name));
        }
    }

    private static void Bind(IConfigurationSection section, object settings, ClientConfig config)
    {
        section.Bind(settings);
        // librdkafka's own property names (dotted, such as "statistics.interval.ms") pass straight through.
        foreach (var child in section.GetSection("Config").GetChildren())
        {
            if (child.Key.Contains('.', StringComparison.Ordinal) && child.Value is { } value)
            {
                config.Set(child.Key, value);
            }
        }
    }

    private static void Validate(ClientConfig config, string connectionName, string section)
    {
        if (string.IsNullOrWhiteSpace(config.BootstrapServers))
        {
            throw new InvalidOperationException(
                $"The Kafka connection '{connectionName}' has no bootstrap servers: set ConnectionStrings:{connectionName} (host:port[,host:port]) or {section}:{connectionName}:Config:BootstrapServers.");
        }
    }

    private static void Log(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (logger.IsEnabled(level))
        {
            logger.Log(level, "[{KafkaClient}] {KafkaFacility}: {KafkaMessage}", message.Name, message.Facility, message.Message);
        }
    }
}
