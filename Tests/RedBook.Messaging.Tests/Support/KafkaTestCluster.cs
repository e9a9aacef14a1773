using Confluent.Kafka;
using RedBook.Kafka.DevBroker;

namespace RedBook.Messaging.Tests.Support;

/// <summary>A librdkafka mock cluster for one test, with quick group rebalances and helpers to read topics back.</summary>
public sealed class KafkaTestCluster : IDisposable
{
    public KafkaTestCluster(params (string Topic, int Partitions)[] topics)
    {
        var options = new MockKafkaClusterOptions { GroupInitialRebalanceDelayMs = 50 };
        foreach (var (topic, partitions) in topics)
        {
            options.Topics[topic] = partitions;
        }

        Cluster = MockKafkaCluster.Start(options);
    }

    public MockKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public void Dispose() => Cluster.Dispose();

    /// <summary>Reads every message of <paramref name="topic"/> (all partitions, from the start) until <paramref name="count"/> arrived.</summary>
    public async Task<List<ConsumeResult<string, string>>> ReadAsync(string topic, int count, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string, string>>();
        await Eventually.WaitAsync(() =>
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                results.Add(result);
            }

            return results.Count >= count;
        }, $"{count} messages were read from {topic}", () => $"{results.Count} read", timeout);
        consumer.Close();
        return results;
    }

    /// <summary>How many messages <paramref name="topic"/> holds (its partitions' high watermarks); 0 when it does not exist.</summary>
    public long MessageCount(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart)
        {
            return 0;
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = $"counter-{Guid.NewGuid():N}" }).Build();
        return metadata.Partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }
}
