using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RedBook.Messaging.Consuming;

/// <summary>
/// One consumed integration event as a handler sees it. The handler's store records (<see cref="ConsumerGroup"/>,
/// <see cref="MessageId"/>) in the same transaction as the event's effect, so a redelivery has no second effect.
/// </summary>
public sealed record IntegrationEvent
{
    /// <summary>The message id (header <c>message-id</c>); for messages without one, <c>{topic}:{partition}:{offset}</c>.</summary>
    public required string MessageId { get; init; }

    /// <summary>The consumer group that consumes it, for example <c>feed-counters</c>.</summary>
    public required string ConsumerGroup { get; init; }

    /// <summary>The topic, for example <c>feed.notes</c>.</summary>
    public required string Topic { get; init; }

    /// <summary>The Kafka key (the aggregate's id), if any.</summary>
    public string? Key { get; init; }

    /// <summary>The event type (header <c>message-type</c>), for example <c>note.liked</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The payload, UTF-8 JSON text.</summary>
    public required string Payload { get; init; }

    /// <summary>When the producer wrote it (header <c>created-at</c>), if present.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The partition it was read from.</summary>
    public int Partition { get; init; }

    /// <summary>Its offset in that partition.</summary>
    public long Offset { get; init; }

    /// <summary>The 1-based attempt of the handler on this message (greater than 1 on a retry).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Deserializes <see cref="Payload"/> with the source-generated <paramref name="jsonTypeInfo"/>.</summary>
    /// <exception cref="JsonException">The payload is not valid JSON for <typeparamref name="T"/>, or it is JSON <c>null</c>.</exception>
    public T Deserialize<T>(JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return JsonSerializer.Deserialize(Payload, jsonTypeInfo)
            ?? throw new JsonException($"The payload of {Type} message {MessageId} is JSON null.");
    }
}

/// <summary>
/// Handles integration events of the types it is registered for (per topic and type). Resolved from a new scope per
/// message. Throw to fail the attempt: the consumer host retries, then dead-letters the message.
/// </summary>
public interface IIntegrationEventHandler
{
    /// <summary>
    /// Applies <paramref name="integrationEvent"/>; returns <see langword="true"/> when it had an effect and
    /// <see langword="false"/> when the processed-message record shows it was already applied (a duplicate).
    /// </summary>
    Task<bool> HandleAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken);
}
