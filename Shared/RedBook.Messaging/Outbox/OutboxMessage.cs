using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RedBook.Messaging.Outbox;

/// <summary>
/// One integration event in a service's transactional outbox. The store writes it in the same transaction as
/// the state change it reports; the relay publishes it to Kafka (key <see cref="Key"/>, value <see cref="Payload"/>)
/// and marks it sent. Consumers de-duplicate on <see cref="Id"/>.
/// </summary>
public sealed record OutboxMessage
{
    /// <summary>The message id, unique per message; consumers record it to process each message once.</summary>
    public required string Id { get; init; }

    /// <summary>The Kafka topic, for example <c>feed.notes</c>.</summary>
    public required string Topic { get; init; }

    /// <summary>The Kafka key: the aggregate's id, so one aggregate's events stay in order on one partition.</summary>
    public required string Key { get; init; }

    /// <summary>The event type, for example <c>note.liked</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The event as UTF-8 JSON text.</summary>
    public required string Payload { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the activity that wrote the message, if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of that activity, if any.</summary>
    public string? TraceState { get; init; }

    /// <summary>When the message was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Creates a message for <paramref name="payload"/> with a new time-ordered id, the current activity's
    /// trace context and the time of <paramref name="timeProvider"/>.
    /// </summary>
    public static OutboxMessage Create<T>(string topic, string key, string type, T payload, JsonTypeInfo<T> jsonTypeInfo, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var now = timeProvider.GetUtcNow();
        var activity = Activity.Current;
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Topic = topic,
            Key = key,
            Type = type,
            Payload = JsonSerializer.Serialize(payload, jsonTypeInfo),
            TraceParent = activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null,
            TraceState = activity?.TraceStateString,
            CreatedAt = now,
        };
    }
}
