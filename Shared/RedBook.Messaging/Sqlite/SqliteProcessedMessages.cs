using Microsoft.Data.Sqlite;

namespace RedBook.Messaging.Sqlite;

/// <summary>
/// The consumers' processed-message records in SQLite: one row per (consumer group, message id), written in the
/// same transaction as the handler's state change, so a redelivered message has no second effect.
/// </summary>
public static class SqliteProcessedMessages
{
    private const string InsertSql = $"""
        INSERT INTO {SqliteMessagingSchema.ProcessedMessagesTable} (consumer_group, message_id, processed_at)
        VALUES ($group, $messageId, $processedAt)
        ON CONFLICT (consumer_group, message_id) DO NOTHING;
        """;

    private const string PurgeSql = $"""
        DELETE FROM {SqliteMessagingSchema.ProcessedMessagesTable} WHERE processed_at < $before;
        """;

    /// <summary>
    /// Records that <paramref name="consumerGroup"/> processed <paramref name="messageId"/>, within
    /// <paramref name="transaction"/>. Returns <see langword="false"/> when the record already exists: the message
    /// was processed before, and the caller must roll back (or skip) its effect.
    /// </summary>
    /// <param name="transaction">The store's open transaction; the record commits with the handler's effect.</param>
    /// <param name="consumerGroup">The consumer group, for example <c>feed-counters</c>.</param>
    /// <param name="messageId">The message id (the <c>message-id</c> header).</param>
    /// <param name="processedAt">When the message was processed.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public static async Task<bool> TryRecordAsync(SqliteTransaction transaction, string consumerGroup, string messageId, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var connection = SqliteMessagingSchema.ConnectionOf(transaction);

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        command.Parameters.AddWithValue("$group", consumerGroup);
        command.Parameters.AddWithValue("$messageId", messageId);
        command.Parameters.AddWithValue("$processedAt", SqliteMessagingSchema.FormatTime(processedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Deletes the records of messages processed before <paramref name="processedBefore"/> and returns how many it
    /// deleted. Keep records for longer than the topics' retention, or a redelivery after the purge is applied again.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="processedBefore">The cut-off time.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public static async Task<int> PurgeAsync(SqliteConnection connection, DateTimeOffset processedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = PurgeSql;
        command.Parameters.AddWithValue("$before", SqliteMessagingSchema.FormatTime(processedBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
