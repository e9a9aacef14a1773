using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace RedBook.Clients.Kafka;

/// <summary>
/// Metrics from librdkafka's statistics (the JSON the client emits every <c>statistics.interval.ms</c>): the totals of
/// requests, bytes and messages sent and received, and the queue depths, per client. The instrument names are
/// Aspire.Confluent.Kafka's, so dashboards keep working after a switch to that package; the Meter is
/// <see cref="RedBookKafkaTelemetry.Name"/>.
/// </summary>
internal static class KafkaStatisticsMetrics
{
    private static readonly ConcurrentDictionary<string, Snapshot> s_clients = new(StringComparer.Ordinal);
    private static readonly Meter s_meter = CreateMeter();

    /// <summary>Records one statistics JSON document; malformed documents are ignored.</summary>
    public static void Record(string json)
    {
        Snapshot snapshot;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            snapshot = new Snapshot(
                Text(root, "name"),
                Text(root, "client_id"),
                Text(root, "type"),
                Number(root, "replyq"),
                Number(root, "msg_cnt"),
                Number(root, "msg_size"),
                Number(root, "tx"),
                Number(root, "tx_bytes"),
                Number(root, "rx"),
                Number(root, "rx_bytes"),
                Number(root, "txmsgs"),
                Number(root, "txmsg_bytes"),
                Number(root, "rxmsgs"),
                Number(root, "rxmsg_bytes"));
        }
        catch (JsonException)
        {
            return;
        }

        if (snapshot.Name.Length > 0)
        {
            s_clients[snapshot.Name] = snapshot;
        }
    }

    /// <summary>Forgets a disposed client, so its series stop.</summary>
    public static void Remove(string clientName) => s_clients.TryRemove(clientName, out _);

    /// <summary>The latest snapshot of a client, if any (for tests).</summary>
    internal static bool TryGet(string clientName, out Snapshot snapshot) => s_clients.TryGetValue(clientName, out snapshot!);

    private static Meter CreateMeter()
    {
        var meter = new Meter(RedBookKafkaTelemetry.Name);
        meter.CreateObservableGauge("messaging.kafka.consumer.queue.message_count", () => Observe(static s => s.ReplyQueue), description: "Operations (callbacks, events) waiting in the queue for the application to serve with poll.");
        meter.CreateObservableGauge("messaging.kafka.producer.queue.message_count", () => Observe(static s => s.MessageCount), description: "Messages in the producer's queues.");
        meter.CreateObservableGauge("messaging.kafka.producer.queue.size", () => Observe(static s => s.MessageSize), unit: "By", description: "Total size of the messages in the producer's queues.");
        meter.CreateObservableCounter("messaging.kafka.network.tx", () => Observe(static s => s.Tx), description: "Requests sent to Kafka brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.transmitted", () => Observe(static s => s.TxBytes), unit: "By", description: "Bytes sent to Kafka brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.rx", () => Observe(static s => s.Rx), description: "Responses received from Kafka brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.received", () => Observe(static s => s.RxBytes), unit: "By", description: "Bytes received from Kafka brokers.");
        meter.CreateObservableCounter("messaging.client.sent.messages", () => Observe(static s => s.TxMessages), description: "Messages produced to Kafka brokers.");
        meter.CreateObservableCounter("messaging.kafka.message.transmitted", () => Observe(static s => s.TxMessageBytes), unit: "By", description: "Message bytes (with framing) produced to Kafka brokers.");
        meter.CreateObservableCounter("messaging.client.consumed.messages", () => Observe(static s => s.RxMessages), description: "Messages consumed from Kafka brokers.");
        meter.CreateObservableCounter("messaging.kafka.message.received", () => Observe(static s => s.RxMessageBytes), unit: "By", description: "Message bytes (with framing) consumed from Kafka brokers.");
        return meter;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<Snapshot, long> value)
    {
        foreach (var snapshot in s_clients.Values)
        {
            yield return new Measurement<long>(value(snapshot),
                new KeyValuePair<string, object?>("messaging.client.id", snapshot.ClientId),
                new KeyValuePair<string, object?>("name", snapshot.Name),
                new KeyValuePair<string, object?>("type", snapshot.Type));
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    internal sealed record Snapshot(
        string Name, string ClientId, string Type, long ReplyQueue, long MessageCount, long MessageSize,
        long Tx, long TxBytes, long Rx, long RxBytes, long TxMessages, long TxMessageBytes, long RxMessages, long RxMessageBytes);
}
