using System.Globalization;
using System.Runtime.InteropServices;

namespace RedBook.Kafka.DevBroker;

/// <summary>
/// librdkafka's built-in mock cluster: real Kafka-protocol brokers on loopback, run inside this process by
/// librdkafka's own threads (P/Invoke into the native library of librdkafka.redist). Producers and consumers
/// (Confluent.Kafka or any other client) connect to <see cref="BootstrapServers"/>. Dispose to stop it.
/// </summary>
/// <remarks>
/// The mock keeps everything in memory, supports consumer groups with committed offsets, idempotent producers and
/// topic auto-creation (4 partitions); it does not support the Admin API's CreateTopics (use
/// <see cref="CreateTopic"/>). Fault injection: <see cref="SetBrokerDown"/> closes a broker's connections and
/// refuses new ones until <see cref="SetBrokerUp"/>; the data stays.
/// </remarks>
public sealed class MockKafkaCluster : IDisposable
{
    private const int MaxBrokers = 16;

    private readonly Lock _gate = new();
    private readonly List<LoopbackForwarder> _forwarders = [];
    private nint _handle;
    private nint _cluster;

    private MockKafkaCluster(nint handle, nint cluster, int brokers, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokers;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The bootstrap servers (<c>127.0.0.1:port[,...]</c>), for <c>bootstrap.servers</c> or <c>ConnectionStrings:kafka</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>The librdkafka version of the loaded native library.</summary>
    public static string LibrdkafkaVersion
    {
        get
        {
            LibRdKafkaNative.EnsureLoaded();
            return Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_version_str()) ?? "unknown";
        }
    }

    /// <summary>Starts a mock cluster.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="DllNotFoundException">librdkafka's native library does not load here.</exception>
    /// <exception cref="InvalidOperationException">librdkafka refused to create the cluster or a topic, or the fixed port is taken.</exception>
    public static MockKafkaCluster Start(MockKafkaClusterOptions? options = null)
    {
        options ??= new MockKafkaClusterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Brokers, 1, nameof(options.Brokers));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Brokers, MaxBrokers, nameof(options.Brokers));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LogLevel, 0, nameof(options.LogLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LogLevel, 7, nameof(options.LogLevel));
        if (options.Port is { } port)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(port, 1, nameof(options.Port));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port + options.Brokers - 1, 65535, nameof(options.Port));
        }

        if (options.GroupInitialRebalanceDelayMs is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(delay, nameof(options.GroupInitialRebalanceDelayMs));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, 300_000, nameof(options.GroupInitialRebalanceDelayMs));
        }

        LibRdKafkaNative.EnsureLoaded();
        var errstr = new byte[512];
        var conf = NativeMethods.rd_kafka_conf_new();
        if (NativeMethods.rd_kafka_conf_set(conf, "log_level", options.LogLevel.ToString(CultureInfo.InvariantCulture), errstr, (nuint)errstr.Length) != NativeMethods.ConfOk)
        {
            NativeMethods.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka refused log_level: {ErrorText(errstr)}");
        }

        // rd_kafka_new takes ownership of conf on success only.
        var handle = NativeMethods.rd_kafka_new(NativeMethods.ProducerType, conf, errstr, (nuint)errstr.Length);
        if (handle == 0)
        {
            NativeMethods.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's instance: {ErrorText(errstr)}");
        }

        var cluster = NativeMethods.rd_kafka_mock_cluster_new(handle, options.Brokers);
        if (cluster == 0)
        {
            NativeMethods.rd_kafka_destroy(handle);
            throw new InvalidOperationException("librdkafka could not create the mock cluster (see its log on stderr).");
        }

        MockKafkaCluster? result = null;
        try
        {
            var bootstraps = Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_mock_cluster_bootstraps(cluster))
                ?? throw new InvalidOperationException("librdkafka returned no bootstrap servers for the mock cluster.");
            if (options.Port is not { } fixedPort)
            {
                result = new MockKafkaCluster(handle, cluster, options.Brokers, bootstraps);
            }
            else
            {
                var ephemeral = bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (ephemeral.Length != options.Brokers)
                {
                    throw new InvalidOperationException($"Expected {options.Brokers} bootstrap addresses from librdkafka, got '{bootstraps}'.");
                }

                result = new MockKafkaCluster(handle, cluster, options.Brokers, string.Join(',', Enumerable.Range(0, options.Brokers).Select(i => $"127.0.0.1:{fixedPort + i}")));
                for (var i = 0; i < options.Brokers; i++)
                {
                    var target = ephemeral[i];
                    var targetPort = int.Parse(target[(target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                    result._forwarders.Add(LoopbackForwarder.Start(fixedPort + i, targetPort));
                    NativeMethods.rd_kafka_mock_broker_set_host_port(cluster, i + 1, "127.0.0.1", fixedPort + i);
                }
            }

            if (options.GroupInitialRebalanceDelayMs is { } rebalanceDelay)
            {
                NativeMethods.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, rebalanceDelay);
            }

            foreach (var (topic, partitions) in options.Topics)
            {
                result.CreateTopic(topic, partitions);
            }

            return result;
        }
        catch
        {
            if (result is not null)
            {
                result.Dispose();
            }
            else
            {
                NativeMethods.rd_kafka_mock_cluster_destroy(cluster);
                NativeMethods.rd_kafka_destroy(handle);
            }

            throw;
        }
    }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions (replication factor at most the broker count).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Check(NativeMethods.rd_kafka_mock_topic_create(Cluster(), topic, partitions, replicationFactor), $"create topic '{topic}'");
    }

    /// <summary>Takes broker <paramref name="brokerId"/> down (-1: every broker): its connections close and new ones are refused. The data stays.</summary>
    public void SetBrokerDown(int brokerId = -1)
    {
        ValidateBrokerId(brokerId);
        Check(NativeMethods.rd_kafka_mock_broker_set_down(Cluster(), brokerId), $"set broker {brokerId} down");
    }

    /// <summary>Brings broker <paramref name="brokerId"/> up again (-1: every broker), on the same port.</summary>
    public void SetBrokerUp(int brokerId = -1)
    {
        ValidateBrokerId(brokerId);
        Check(NativeMethods.rd_kafka_mock_broker_set_up(Cluster(), brokerId), $"set broker {brokerId} up");
    }

    /// <summary>Stops the brokers, the forwarders and librdkafka's instance.</summary>
    public void Dispose()
    {
        nint cluster, handle;
        lock (_gate)
        {
            (cluster, handle) = (_cluster, _handle);
            (_cluster, _handle) = (0, 0);
        }

        if (cluster == 0)
        {
            return;
        }

        foreach (var forwarder in _forwarders)
        {
            forwarder.Dispose();
        }

        NativeMethods.rd_kafka_mock_cluster_destroy(cluster);
        NativeMethods.rd_kafka_destroy(handle);
    }

    private nint Cluster()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            return _cluster;
        }
    }

    private void ValidateBrokerId(int brokerId)
    {
        if (brokerId != -1 && (brokerId < 1 || brokerId > BrokerCount))
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"Broker ids are 1 to {BrokerCount}, or -1 for all.");
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"librdkafka could not {what}: {Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_err2str(error))} ({error}).");
        }
    }

    private static string ErrorText(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }
}
