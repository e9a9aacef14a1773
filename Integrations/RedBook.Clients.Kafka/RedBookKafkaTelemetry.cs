using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace RedBook.Clients.Kafka;

/// <summary>
/// Traces for Kafka clients: the ActivitySource of the RedBook Kafka integration and helpers that carry the W3C
/// trace context (<c>traceparent</c>, <c>tracestate</c>) in message headers, so a consumer continues the producer's
/// trace. Activities follow OpenTelemetry's messaging conventions (<c>send {topic}</c>, <c>receive {topic}</c>,
/// <c>process {topic}</c>; <c>messaging.*</c> attributes).
/// </summary>
public static class RedBookKafkaTelemetry
{
    /// <summary>The name of the ActivitySource and of the Meter (librdkafka's statistics).</summary>
    public const string Name = "RedBook.Clients.Kafka";

    /// <summary>The W3C <c>traceparent</c> header.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C <c>tracestate</c> header.</summary>
    public const string TraceStateHeader = "tracestate";

    /// <summary>The integration's ActivitySource.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Writes (replacing any present) the <c>traceparent</c> and, when not empty, <c>tracestate</c> headers.</summary>
    public static void InjectTraceContext(Headers headers, string traceParent, string? traceState)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentException.ThrowIfNullOrEmpty(traceParent);
        headers.Remove(TraceParentHeader);
        headers.Remove(TraceStateHeader);
        headers.Add(TraceParentHeader, Encoding.UTF8.GetBytes(traceParent));
        if (!string.IsNullOrEmpty(traceState))
        {
            headers.Add(TraceStateHeader, Encoding.UTF8.GetBytes(traceState));
        }
    }

    /// <summary>Writes the context of <paramref name="activity"/> (W3C ids only) into <paramref name="headers"/>; returns whether it wrote one.</summary>
    public static bool InjectTraceContext(Headers headers, Activity? activity)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } id)
        {
            return false;
        }

        InjectTraceContext(headers, id, activity.TraceStateString);
        return true;
    }

    /// <summary>Reads the remote parent from the <c>traceparent</c>/<c>tracestate</c> headers; false when absent or malformed.</summary>
    public static bool TryExtractTraceContext(Headers? headers, out ActivityContext context)
    {
        context = default;
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out var parent))
        {
            return false;
        }

        string? state = headers.TryGetLastBytes(TraceStateHeader, out var stateBytes) ? Encoding.UTF8.GetString(stateBytes) : null;
        return ActivityContext.TryParse(Encoding.UTF8.GetString(parent), state, isRemote: true, out context);
    }

    /// <summary>
    /// Starts a producer activity <c>send {topic}</c> (kind Producer) under <paramref name="parent"/> (or the current
    /// activity when default). Null when nobody listens.
    /// </summary>
    public static Activity? StartSendActivity(string topic, string? key, string? messageId, ActivityContext parent = default, IEnumerable<ActivityLink>? links = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var activity = ActivitySource.StartActivity(ActivityKind.Producer, parent, links: links, name: $"send {topic}");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "send");
            activity.SetTag("messaging.destination.name", topic);
            SetIfPresent(activity, "messaging.kafka.message.key", key);
            SetIfPresent(activity, "messaging.message.id", messageId);
        }

        return activity;
    }

    /// <summary>
    /// Starts a consumer activity (kind Consumer) for a consumed message, parented by the trace context in its headers,
    /// so it joins the producer's trace. <paramref name="operation"/> is <c>receive</c> or <c>process</c>. Null when
    /// nobody listens.
    /// </summary>
    public static Activity? StartConsumeActivity<TKey, TValue>(ConsumeResult<TKey, TValue> result, string? consumerGroup, string operation = "process", string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        TryExtractTraceContext(result.Message?.Headers, out var parent);
        var activity = ActivitySource.StartActivity(ActivityKind.Consumer, parent, name: $"{operation} {result.Topic}");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", operation);
            activity.SetTag("messaging.operation.name", operation);
            activity.SetTag("messaging.destination.name", result.Topic);
            activity.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            SetIfPresent(activity, "messaging.consumer.group.name", consumerGroup);
            SetIfPresent(activity, "messaging.message.id", messageId);
            if (result.Message is { Key: string key })
            {
                activity.SetTag("messaging.kafka.message.key", key);
            }
        }

        return activity;
    }

    private static void SetIfPresent(Activity activity, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            activity.SetTag(name, value);
        }
    }
}
