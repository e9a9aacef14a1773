using System.Runtime.InteropServices;

namespace RedBook.Kafka.DevBroker;

/// <summary>
/// The librdkafka functions the mock cluster needs (<c>rdkafka.h</c> and <c>rdkafka_mock.h</c>). The library is
/// resolved by <see cref="LibRdKafkaNative"/>.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary><c>RD_KAFKA_PRODUCER</c>: the mock cluster only needs an instance for its book keeping.</summary>
    public const int ProducerType = 0;

    /// <summary><c>RD_KAFKA_CONF_OK</c>.</summary>
    public const int ConfOk = 0;

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_version_str();

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_conf_new();

    [LibraryImport(LibRdKafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_new(int type, nint conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);

    [LibraryImport(LibRdKafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_broker_set_host_port(nint mcluster, int brokerId, string host, int port);

    [LibraryImport(LibRdKafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mcluster, int delayMs);

    [LibraryImport(LibRdKafkaNative.LibraryName)]
    public static partial nint rd_kafka_err2str(int err);
}
