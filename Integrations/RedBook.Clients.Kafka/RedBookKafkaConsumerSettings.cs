using Confluent.Kafka;

namespace RedBook.Clients.Kafka;

/// <summary>
/// Settings of a consumer registered by <c>AddRedBookKafkaConsumer</c>, bound from <c>RedBook:Clients:Kafka:Consumer</c>
/// and then <c>RedBook:Clients:Kafka:Consumer:{connectionName}</c>, then the connection string, then the code's delegate.
/// <see cref="ConsumerConfig.GroupId"/> is required.
/// </summary>
public sealed class RedBookKafkaConsumerSettings
{
    /// <summary>The connection string: bootstrap servers (<c>host:port[,...]</c>) or <c>Key=Value;...</c> pairs (see docs/integrations.md).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>librdkafka's consumer configuration (section <c>Config</c>: typed properties such as <c>GroupId</c>, or librdkafka's dotted names).</summary>
    public ConsumerConfig Config { get; set; } = new();

    /// <summary>Turns off the health check (a metadata request to the cluster). Default <see langword="false"/>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Turns off the consumer's receive activities (continuing the producer's trace). Default <see langword="false"/>.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Turns off the metrics read from librdkafka's statistics. Default <see langword="false"/>.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>How long the health check waits for the cluster's metadata. Default 5 s; clamped to 100 ms..60 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
