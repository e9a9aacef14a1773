using System.Data;
using System.Text;
using Microsoft.Data.Sqlite;
using RedBook.Messaging.Outbox;

namespace RedBook.Messaging.Sqlite;

/// <summary>
/// The relay's view of a SQLite outbox (<see cref="SqliteMessagingSchema.OutboxTable"/>): unsent rows oldest first
/// by their autoincrement sequence, marking rows sent, and purging old sent rows.
/// </summary>
/// <remarks>
/// Each call takes a new connection from the factory, opens it if it is closed, and disposes it at the end, so the
/// store is safe to use from the relay while the service writes on its own connections.
/// </remarks>
public sealed class SqliteOutboxStore : IOutboxStore
{
    // SQLite's default limit on host parameters is 32766; stay far below it.
    private const int MaxIdsPerStatement = 500;

    private const string SelectUnsentSql = $"""
        SELECT id, topic, key, type, payload, trace_parent, trace_state, created_at
        FROM {SqliteMessagingSchema.OutboxTable}
        WHERE sent_at IS NULL
        ORDER BY sequence
        LIMIT $max;
        """;

    private const string PurgeSql = $"""
        DELETE FROM {SqliteMessagingSchema.OutboxTable} WHERE sent_at IS NOT NULL AND sent_at < $before;
        """;

    private readonly Func<SqliteConnection> _connectionFactory;

    /// <summary>Creates a store over connections from <paramref name="connectionFactory"/> (each new, opened here if closed, disposed after use).</summary>
    public SqliteOutboxStore(Func<SqliteConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        _connectionFactory = connectionFactory;
    }

    /// <summary>Creates a store over new connections to <paramref name="connectionString"/>.</summary>
    public SqliteOutboxStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionFactory = () => new SqliteConnection(connectionString);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectUnsentSql;
        command.Parameters.AddWithValue("$max", maxCount);

        var messages = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(new OutboxMessage
            {
                Id = reader.GetString(0),
                Topic = reader.GetString(1),
                Key = reader.GetString(2),
                Type = reader.GetString(3),
                Payload = reader.GetString(4),
                TraceParent = reader.IsDBNull(5) ? null : reader.GetString(5),
                TraceState = reader.IsDBNull(6) ? null : reader.GetString(6),
                CreatedAt = SqliteMessagingSchema.ParseTime(reader.GetString(7)),
            });
        }

        return messages;
    }

    /// <inheritdoc />
    public async Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(MaxIdsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder($"UPDATE {SqliteMessagingSchema.OutboxTable} SET sent_at = $sentAt WHERE sent_at IS NULL AND id IN (");
            for (var i = 0; i < chunk.Length; i++)
            {
                ArgumentException.ThrowIfNullOrEmpty(chunk[i], nameof(ids));
                sql.Append(i == 0 ? "$id0" : $", $id{i}");
                command.Parameters.AddWithValue($"$id{i}", chunk[i]);
            }

            command.CommandText = sql.Append(");").ToString();
            command.Parameters.AddWithValue("$sentAt", SqliteMessagingSchema.FormatTime(sentAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = PurgeSql;
        command.Parameters.AddWithValue("$before", SqliteMessagingSchema.FormatTime(sentBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connectionFactory() ?? throw new InvalidOperationException("The connection factory returned null.");
        try
        {
            if (connection.State != ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
