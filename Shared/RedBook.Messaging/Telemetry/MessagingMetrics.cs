using System.Diagnostics.Metrics;

namespace RedBook.Messaging.Telemetry;

/// <summary>
/// The instruments of the outbox relay and the consumer host, on the Meter <see cref="MeterName"/>.
/// </summary>
public static class MessagingMetrics
{
    /// <summary>The Meter's name.</summary>
    public const string MeterName = "RedBook.Messaging";

    private static readonly Meter s_meter = new(MeterName);

    internal static Counter<long> RelayPublished { get; } = s_meter.CreateCounter<long>(
        "redbook.messaging.relay.published", description: "Outbox messages the relay published (acknowledged by every in-sync replica).");

    internal static Counter<long> RelayFailures { get; } = s_meter.CreateCounter<long>(
        "redbook.messaging.relay.failures", description: "Outbox messages whose publish failed (they stay in the outbox and are retried).");

    internal static Histogram<double> RelayLag { get; } = s_meter.CreateHistogram<double>(
        "redbook.messaging.relay.lag", unit: "s", description: "Time from an outbox message's write to its acknowledged publish.");

    internal static Counter<long> ConsumerMessages { get; } = s_meter.CreateCounter<long>(
        "redbook.messaging.consumer.messages", description: "Messages a consumer group finished, by outcome: processed, duplicate, ignored (no handler), dead_lettered.");

    internal static Counter<long> ConsumerFailures { get; } = s_meter.CreateCounter<long>(
        "redbook.messaging.consumer.failures", description: "Handler attempts that threw (the message is retried, then dead-lettered).");

    internal static Counter<long> ConsumeErrors { get; } = s_meter.CreateCounter<long>(
        "redbook.messaging.consumer.consume_errors", description: "Consume calls that failed without a message to hand over (a subscribed topic that does not exist yet, a broker away), by error code; the group backs off and consumes again.");

    internal static Histogram<double> ConsumerDuration { get; } = s_meter.CreateHistogram<double>(
        "redbook.messaging.consumer.duration", unit: "s", description: "Time a consumer group spent on one message, retries included.");
}
