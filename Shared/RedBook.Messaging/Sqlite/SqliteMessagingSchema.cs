using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RedBook.Messaging.Sqlite;

/// <summary>
/// The SQLite tables of the transactional outbox (<c>outbox_messages</c>) and of the consumers' processed-message
/// records (<c>processed_messages</c>). A service creates them beside its own tables, in the same database file, so
/// that its writes, their outbox rows and its consumers' records share one transaction.
/// </summary>
/// <remarks>
/// Times are stored as fixed-width UTC text (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>), so text order is time order and
/// the values read well in the <c>sqlite3</c> shell.
/// </remarks>
public static class SqliteMessagingSchema
{
    /// <summary>The outbox table.</summary>
    public const string OutboxTable = "outbox_messages";

    /// <summary>The processed-message table.</summary>
    public const string ProcessedMessagesTable = "processed_messages";

    /// <summary>The statements that create both tables and their indexes; each is idempotent (<c>IF NOT EXISTS</c>).</summary>
    public const string CreateSql = $"""
        CREATE TABLE IF NOT EXISTS {OutboxTable} (
            sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
            id           TEXT NOT NULL UNIQUE,
            topic        TEXT NOT NULL,
            key          TEXT NOT NULL,
            type         TEXT NOT NULL,
            payload      TEXT NOT NULL,
            trace_parent TEXT NULL,
            trace_state  TEXT NULL,
            created_at   TEXT NOT NULL,
            sent_at      TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_{OutboxTable}_unsent ON {OutboxTable} (sequence) WHERE sent_at IS NULL;
        CREATE INDEX IF NOT EXISTS ix_{OutboxTable}_sent_at ON {OutboxTable} (sent_at) WHERE sent_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS {ProcessedMessagesTable} (
            consumer_group TEXT NOT NULL,
            message_id     TEXT NOT NULL,
            processed_at   TEXT NOT NULL,
            PRIMARY KEY (consumer_group, message_id)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Creates the outbox and processed-message tables if they do not exist. Pass the transaction of a schema
    /// migration to create them with the service's own tables, or none to run on their own.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction to run in, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    public static async Task CreateAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = CreateSql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    internal static SqliteConnection ConnectionOf(SqliteTransaction transaction) =>
        transaction.Connection ?? throw new InvalidOperationException("The transaction has already been committed or rolled back.");
}
