using System.Diagnostics;
using Confluent.Kafka;

namespace RedBook.Clients.Kafka;

/// <summary>
/// A consumer that records (unless tracing is off) a <c>receive {topic}</c> activity for each consumed message,
/// parented by the trace context in the message's headers, so the receive joins the producer's trace. The caller's
/// current activity is left as it was. On dispose its statistics series stop. Everything else passes through.
/// </summary>
internal sealed class InstrumentedConsumer<TKey, TValue>(IConsumer<TKey, TValue> inner, string? groupId, bool tracing) : IConsumer<TKey, TValue>
{
    // Read once: a closed consumer's handle no longer answers.
    private readonly string _name = inner.Name;

    public Handle Handle => inner.Handle;

    public string Name => inner.Name;

    public string MemberId => inner.MemberId;

    public List<TopicPartition> Assignment => inner.Assignment;

    public List<string> Subscription => inner.Subscription;

    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);

    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);

    public ConsumeResult<TKey, TValue> Consume(int millisecondsTimeout) => Received(inner.Consume(millisecondsTimeout));

    public ConsumeResult<TKey, TValue> Consume(CancellationToken cancellationToken = default) => Received(inner.Consume(cancellationToken));

    public ConsumeResult<TKey, TValue> Consume(TimeSpan timeout) => Received(inner.Consume(timeout));

    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);

    public void Subscribe(string topic) => inner.Subscribe(topic);

    public void Unsubscribe() => inner.Unsubscribe();

    public void Assign(TopicPartition partition) => inner.Assign(partition);

    public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);

    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);

    public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);

    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);

    public void Unassign() => inner.Unassign();

    public void StoreOffset(ConsumeResult<TKey, TValue> result) => inner.StoreOffset(result);

    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);

    public List<TopicPartitionOffset> Commit() => inner.Commit();

    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => inner.Commit(offsets);

    public void Commit(ConsumeResult<TKey, TValue> result) => inner.Commit(result);

    public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);

    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);

    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);

    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);

    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);

    public Offset Position(TopicPartition partition) => inner.Position(partition);

    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) =>
        inner.OffsetsForTimes(timestampsToSearch, timeout);

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);

    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => inner.QueryWatermarkOffsets(topicPartition, timeout);

    public void Close() => inner.Close();

    public void Dispose()
    {
        // Removed after the dispose, which can still deliver a last statistics callback.
        inner.Dispose();
        KafkaStatisticsMetrics.Remove(_name);
    }

    private ConsumeResult<TKey, TValue> Received(ConsumeResult<TKey, TValue> result)
    {
        if (!tracing || result is null || result.IsPartitionEOF)
        {
            return result!;
        }

        var previous = Activity.Current;
        using (RedBookKafkaTelemetry.StartConsumeActivity(result, groupId, "receive"))
        {
        }

        Activity.Current = previous;
        return result;
    }
}
