using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RedBook.Storage.Sqlite;

/// <summary>
/// One SQLite database file: opens connections (pooled by Microsoft.Data.Sqlite) and runs write transactions as
/// <c>BEGIN IMMEDIATE</c>, so two writers queue on the busy timeout instead of failing on a lock upgrade.
/// <see cref="InitializeAsync"/> turns on the WAL journal, so readers do not block the writer.
/// </summary>
public sealed class SqliteDatabase
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private readonly Action? _onCommit;

    /// <summary>Creates the database over <paramref name="connectionString"/>; <paramref name="onCommit"/> runs after each committed write.</summary>
    public SqliteDatabase(string connectionString, Action? onCommit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ConnectionString = connectionString;
        _onCommit = onCommit;
    }

    /// <summary>The connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Opens a new connection.</summary>
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

    /// <summary>Turns on WAL and runs <paramref name="schemaSql"/> and <paramref name="more"/> in one transaction (all idempotent).</summary>
    public async Task InitializeAsync(string schemaSql, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> more, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(more);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = Command(connection, "PRAGMA journal_mode=WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var create = Command(connection, schemaSql, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await more(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction; it commits when the work returns true, else rolls back.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var (commit, result) = await work(transaction).ConfigureAwait(false);
        if (commit)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _onCommit?.Invoke();
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Runs <paramref name="sql"/> after <paramref name="bind"/> and reads every row with <paramref name="read"/>.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(read);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql);
        bind(command.Parameters);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Healthy when the database opens and holds <paramref name="table"/> (the schema was created).</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name;");
            command.Parameters.AddWithValue("$name", table);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The schema is missing (no table '{table}').");
        }
        catch (SqliteException ex)
        {
            return HealthCheckResult.Unhealthy("The SQLite database is unavailable.", ex);
        }
    }

    /// <summary>A command on <paramref name="connection"/>.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A command in <paramref name="transaction"/>.</summary>
    public static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return Command(transaction.Connection ?? throw new InvalidOperationException("The transaction has completed."), sql, transaction);
    }

    /// <summary>Fixed-width UTC text (text order is time order).</summary>
    public static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="FormatTime"/>'s text.</summary>
    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
