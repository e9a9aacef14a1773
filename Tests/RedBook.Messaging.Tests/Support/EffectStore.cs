using RedBook.Messaging.Consuming;
using RedBook.Messaging.Sqlite;
using RedBook.Messaging.Tests.Sqlite;

namespace RedBook.Messaging.Tests.Support;

/// <summary>
/// A consuming service's store in miniature: each event's effect (a row in <c>effects</c>) and its processed-message
/// record are written in one SQLite transaction, as the feed and mall stores do.
/// </summary>
public sealed class EffectStore(SqliteTestDatabase database)
{
    public async Task CreateAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS effects (consumer_group TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL, message_key TEXT NULL);
            """;
        await command.ExecuteNonQueryAsync();
        await SqliteMessagingSchema.CreateAsync(connection, null, CancellationToken.None);
    }

    /// <summary>Applies the event once per consumer group; false (and no effect) for a duplicate.</summary>
    public async Task<bool> ApplyAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        if (!await SqliteProcessedMessages.TryRecordAsync(transaction, integrationEvent.ConsumerGroup, integrationEvent.MessageId, DateTimeOffset.UnixEpoch, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO effects (consumer_group, message_id, type, message_key) VALUES ($g, $m, $t, $k);";
            insert.Parameters.AddWithValue("$g", integrationEvent.ConsumerGroup);
            insert.Parameters.AddWithValue("$m", integrationEvent.MessageId);
            insert.Parameters.AddWithValue("$t", integrationEvent.Type);
            insert.Parameters.AddWithValue("$k", (object?)integrationEvent.Key ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The effects of <paramref name="consumerGroup"/>: message id → how many times it took effect.</summary>
    public async Task<Dictionary<string, int>> EffectsAsync(string consumerGroup)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, COUNT(*) FROM effects WHERE consumer_group = $g GROUP BY message_id;";
        command.Parameters.AddWithValue("$g", consumerGroup);
        var effects = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            effects[reader.GetString(0)] = reader.GetInt32(1);
        }

        return effects;
    }

    /// <summary>Writes <paramref name="messages"/> to the outbox in one transaction (as a service's write would).</summary>
    public async Task WriteOutboxAsync(IEnumerable<RedBook.Messaging.Outbox.OutboxMessage> messages)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        foreach (var message in messages)
        {
            await SqliteOutbox.AddAsync(transaction, message, CancellationToken.None);
        }

        await transaction.CommitAsync();
    }

    public async Task<int> UnsentCountAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

}
