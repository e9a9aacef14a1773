namespace RedBook.Kafka.DevBroker;

/// <summary>How <see cref="MockKafkaCluster.Start"/> sets up the mock cluster.</summary>
public sealed class MockKafkaClusterOptions
{
    /// <summary>The number of brokers (ids 1..n). Default 1; at most 16.</summary>
    public int Brokers { get; set; } = 1;

    /// <summary>
    /// A fixed loopback port for broker 1 (broker n gets <c>Port + n - 1</c>), or <see langword="null"/> for the
    /// ephemeral ports librdkafka picks. librdkafka binds its mock brokers to ephemeral ports only, so a fixed port
    /// is served by a loopback TCP forwarder, and the brokers advertise the fixed ports in their metadata.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// The consumer-group coordinator's initial rebalance delay in milliseconds (librdkafka's default is 3000).
    /// Lower values let a group's first member start sooner, which keeps tests quick.
    /// </summary>
    public int? GroupInitialRebalanceDelayMs { get; set; }

    /// <summary>Topics to create up front with their partition counts (others are auto-created with 4 partitions).</summary>
    public IDictionary<string, int> Topics { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>librdkafka's log level for the mock cluster's own instance (syslog levels, 0-7). Default 4: warnings and worse.</summary>
    public int LogLevel { get; set; } = 4;
}
