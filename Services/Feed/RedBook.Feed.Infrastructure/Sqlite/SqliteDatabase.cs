using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RedBook.Feed.Infrastructure.Sqlite;

/// <summary>
/// One SQLite database file: opens pooled connections (WAL journal, so readers do not block the writer) and runs
/// write transactions as <c>BEGIN IMMEDIATE</c>, so two writers queue on the busy timeout instead of failing on a
/// lock upgrade. <c>onCommit</c> runs after each committed write (the stores wake the outbox relay with it).
/// </summary>
internal sealed class SqliteDatabase(string connectionString, Action? onCommit = null)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public string ConnectionString { get; } = connectionString;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction; it commits when the work returns true, else rolls back.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var (commit, result) = await work(transaction).ConfigureAwait(false);
        if (commit)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            onCommit?.Invoke();
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand Command(SqliteTransaction transaction, string sql) =>
        Command(transaction.Connection ?? throw new InvalidOperationException("The transaction has completed."), sql, transaction);

    public static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
