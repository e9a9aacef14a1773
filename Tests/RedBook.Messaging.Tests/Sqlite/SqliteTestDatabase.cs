using Microsoft.Data.Sqlite;
using RedBook.Messaging.Sqlite;

namespace RedBook.Messaging.Tests.Sqlite;

/// <summary>A SQLite database in a temporary file, deleted on dispose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"redbook-messaging-{Guid.NewGuid():N}.db");

    /// <summary>The connection string (no pooling, so the file can be deleted at the end).</summary>
    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();

    public async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task CreateSchemaAsync()
    {
        await using var connection = await OpenAsync();
        await SqliteMessagingSchema.CreateAsync(connection, transaction: null, CancellationToken.None);
    }

    public void Dispose()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" })
        {
            File.Delete(file);
        }
    }
}
