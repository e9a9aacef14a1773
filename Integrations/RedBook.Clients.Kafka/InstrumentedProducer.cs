using System.Diagnostics;
using Confluent.Kafka;

namespace RedBook.Clients.Kafka;

/// <summary>
/// A producer that traces each message (unless tracing is off): a <c>send {topic}</c> activity under the current one,
/// its context written into the message's headers (unless the caller wrote a <c>traceparent</c> already), and the
/// delivery's outcome. On dispose its statistics series stop. Everything else passes through.
/// </summary>
internal sealed class InstrumentedProducer<TKey, TValue>(IProducer<TKey, TValue> inner, bool tracing) : IProducer<TKey, TValue>
{
    // Read once: a closed consumer's handle no longer answers.
    private readonly string _name = inner.Name;

    public Handle Handle => inner.Handle;

    public string Name => inner.Name;

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);

    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);

    public async Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
    {
        using var activity = Start(topic, message);
        try
        {
            var result = await inner.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
            Succeeded(activity, result.Partition, result.Offset);
            return result;
        }
        catch (Exception e)
        {
            activity?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    public async Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        using var activity = Start(topicPartition.Topic, message);
        try
        {
            var result = await inner.ProduceAsync(topicPartition, message, cancellationToken).ConfigureAwait(false);
            Succeeded(activity, result.Partition, result.Offset);
            return result;
        }
        catch (Exception e)
        {
            activity?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    public void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
    {
        var previous = Activity.Current;
        var activity = Start(topic, message);
        try
        {
            inner.Produce(topic, message, Completion(activity, deliveryHandler));
        }
        catch (Exception e)
        {
            activity?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message).Dispose();
            throw;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    public void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        var previous = Activity.Current;
        var activity = Start(topicPartition.Topic, message);
        try
        {
            inner.Produce(topicPartition, message, Completion(activity, deliveryHandler));
        }
        catch (Exception e)
        {
            activity?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message).Dispose();
            throw;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    public int Poll(TimeSpan timeout) => inner.Poll(timeout);

    public int Flush(TimeSpan timeout) => inner.Flush(timeout);

    public void Flush(CancellationToken cancellationToken = default) => inner.Flush(cancellationToken);

    public void InitTransactions(TimeSpan timeout) => inner.InitTransactions(timeout);

    public void BeginTransaction() => inner.BeginTransaction();

    public void CommitTransaction(TimeSpan timeout) => inner.CommitTransaction(timeout);

    public void CommitTransaction() => inner.CommitTransaction();

    public void AbortTransaction(TimeSpan timeout) => inner.AbortTransaction(timeout);

    public void AbortTransaction() => inner.AbortTransaction();

    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout) =>
        inner.SendOffsetsToTransaction(offsets, groupMetadata, timeout);

    public void Dispose()
    {
        // Removed after the dispose, which can still deliver a last statistics callback.
        inner.Dispose();
        KafkaStatisticsMetrics.Remove(_name);
    }

    private Activity? Start(string topic, Message<TKey, TValue> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!tracing)
        {
            return null;
        }

        var activity = RedBookKafkaTelemetry.StartSendActivity(topic, message.Key as string, messageId: null);
        if (activity is not null)
        {
            message.Headers ??= [];
            if (!message.Headers.TryGetLastBytes(RedBookKafkaTelemetry.TraceParentHeader, out _))
            {
                RedBookKafkaTelemetry.InjectTraceContext(message.Headers, activity);
            }
        }

        return activity;
    }

    private static Action<DeliveryReport<TKey, TValue>>? Completion(Activity? activity, Action<DeliveryReport<TKey, TValue>>? deliveryHandler)
    {
        if (activity is null)
        {
            return deliveryHandler;
        }

        // The activity ends with the delivery report (librdkafka's poll thread), not with Produce's return.
        return report =>
        {
            if (report.Error.IsError)
            {
                activity.SetStatus(ActivityStatusCode.Error, report.Error.Reason);
            }
            else
            {
                Succeeded(activity, report.Partition, report.Offset);
            }

            activity.Dispose();
            deliveryHandler?.Invoke(report);
        };
    }

    private static void Succeeded(Activity? activity, Partition partition, Offset offset)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.destination.partition.id", partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", offset.Value);
        }
    }
}
