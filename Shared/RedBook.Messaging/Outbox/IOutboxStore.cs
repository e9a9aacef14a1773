namespace RedBook.Messaging.Outbox;

/// <summary>
/// The relay's view of a service's outbox. Each store (SQLite, MongoDB) implements it over the table or
/// collection that its writes fill in the same transaction as their state changes.
/// </summary>
public interface IOutboxStore
{
    /// <summary>
    /// Returns up to <paramref name="maxCount"/> unsent messages, oldest first (the order they were written in,
    /// so one key's messages are published in order).
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Marks the messages sent at <paramref name="sentAt"/>. Ids that are unknown or already sent are ignored.</summary>
    Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>Deletes the messages sent before <paramref name="sentBefore"/> and returns how many it deleted. Unsent messages stay.</summary>
    Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken);
}
