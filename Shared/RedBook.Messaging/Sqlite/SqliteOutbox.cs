using Microsoft.Data.Sqlite;
using RedBook.Messaging.Outbox;

namespace RedBook.Messaging.Sqlite;

/// <summary>
/// Writes outbox rows inside a store's own SQLite transaction, so the row commits or rolls back with the state
/// change it reports. The relay reads the rows through <see cref="SqliteOutboxStore"/>.
/// </summary>
public static class SqliteOutbox
{
    private const string InsertSql = $"""
        INSERT INTO {SqliteMessagingSchema.OutboxTable} (id, topic, key, type, payload, trace_parent, trace_state, created_at)
        VALUES ($id, $topic, $key, $type, $payload, $traceParent, $traceState, $createdAt);
        """;

    /// <summary>
    /// Inserts <paramref name="message"/> into the outbox within <paramref name="transaction"/> (on its connection).
    /// The row's sequence (the relay's publishing order) is assigned by SQLite when the row is inserted.
    /// </summary>
    /// <param name="transaction">The store's open transaction; the row commits with it.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <exception cref="SqliteException">A message with the same id is already in the outbox (a unique-key violation), or the write failed.</exception>
    public static async Task AddAsync(SqliteTransaction transaction, OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(message);
        var connection = SqliteMessagingSchema.ConnectionOf(transaction);

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        command.Parameters.AddWithValue("$id", message.Id);
        command.Parameters.AddWithValue("$topic", message.Topic);
        command.Parameters.AddWithValue("$key", message.Key);
        command.Parameters.AddWithValue("$type", message.Type);
        command.Parameters.AddWithValue("$payload", message.Payload);
        command.Parameters.AddWithValue("$traceParent", (object?)message.TraceParent ?? DBNull.Value);
        command.Parameters.AddWithValue("$traceState", (object?)message.TraceState ?? DBNull.Value);
        command.Parameters.AddWithValue("$createdAt", SqliteMessagingSchema.FormatTime(message.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
