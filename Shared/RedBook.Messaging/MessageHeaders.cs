namespace RedBook.Messaging;

/// <summary>The Kafka headers of an integration event (see ARCHITECTURE.md, "Integration events").</summary>
public static class MessageHeaders
{
    /// <summary>The message id (the outbox row's id); consumers de-duplicate on it.</summary>
    public const string MessageId = "message-id";

    /// <summary>The event type, for example <c>note.liked</c>.</summary>
    public const string MessageType = "message-type";

    /// <summary>When the message was written, ISO 8601.</summary>
    public const string CreatedAt = "created-at";

    /// <summary>On a dead-lettered message: the last handler error (type and message).</summary>
    public const string DeadLetterError = "dlq-error";

    /// <summary>On a dead-lettered message: the topic it came from.</summary>
    public const string DeadLetterTopic = "dlq-original-topic";

    /// <summary>On a dead-lettered message: the partition it came from.</summary>
    public const string DeadLetterPartition = "dlq-original-partition";

    /// <summary>On a dead-lettered message: its offset there.</summary>
    public const string DeadLetterOffset = "dlq-original-offset";

    /// <summary>On a dead-lettered message: the consumer group that gave up on it.</summary>
    public const string DeadLetterConsumerGroup = "dlq-consumer-group";

    /// <summary>On a dead-lettered message: how many attempts the handler had.</summary>
    public const string DeadLetterAttempts = "dlq-attempts";

    /// <summary>The suffix of a topic's dead-letter topic: <c>feed.notes</c> → <c>feed.notes.dlq</c>.</summary>
    public const string DeadLetterSuffix = ".dlq";
}
