using Microsoft.Data.Sqlite;
using MongoDB.Driver;

namespace RedBook.Application.Tests.Support;

/// <summary>A SQLite database in a temporary file; deleted on dispose.</summary>
public sealed class TempSqliteFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"redbook-app-{Guid.NewGuid():N}.db");

    /// <summary>No pooling, so the file can be deleted at the end.</summary>
    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString();

    public void Dispose()
    {
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm", Path + "-journal" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// A fresh MongoDB database on the server named by <c>REDBOOK_TEST_MONGODB</c>, dropped on dispose. Without that
/// variable the test is skipped with the reason.
/// </summary>
public sealed class TempMongoDatabase : IDisposable
{
    public const string Variable = "REDBOOK_TEST_MONGODB";

    private readonly MongoClient _client;
    private readonly string _name = $"redbook_app_{Guid.NewGuid():N}";

    public TempMongoDatabase()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrWhiteSpace(connectionString),
            $"{Variable} is not set: set it to a MongoDB replica set's connection string (transactions need one) to run the store contract suite against MongoDB.");
        _client = new MongoClient(connectionString);
        Database = _client.GetDatabase(_name);
    }

    public IMongoDatabase Database { get; }

    public void Dispose()
    {
        _client.DropDatabase(_name);
        _client.Dispose();
    }
}
