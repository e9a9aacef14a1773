using Microsoft.Data.Sqlite;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Sqlite;
using RedBook.Messaging.Tests.Outbox;

namespace RedBook.Messaging.Tests.Sqlite;

/// <summary>The store contract against a real SQLite database file (one per test).</summary>
public sealed class SqliteMessagingStoreTests : MessagingStoreContractTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override async Task<IOutboxStore> GetStoreAsync()
    {
        await _database.CreateSchemaAsync();
        return new SqliteOutboxStore(_database.ConnectionString);
    }

    protected override async Task WriteAsync(IReadOnlyList<OutboxMessage> messages, bool commit)
    {
        await using var connection = await _database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        foreach (var message in messages)
        {
            await SqliteOutbox.AddAsync(transaction, message, CancellationToken.None);
        }

        await Complete(transaction, commit);
    }

    protected override async Task<bool> TryRecordProcessedAsync(string consumerGroup, string messageId, DateTimeOffset processedAt, bool commit)
    {
        await using var connection = await _database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        var recorded = await SqliteProcessedMessages.TryRecordAsync(transaction, consumerGroup, messageId, processedAt, CancellationToken.None);
        await Complete(transaction, commit);
        return recorded;
    }

    protected override async Task<long> PurgeProcessedAsync(DateTimeOffset before)
    {
        await using var connection = await _database.OpenAsync();
        return await SqliteProcessedMessages.PurgeAsync(connection, before, CancellationToken.None);
    }

    [Fact]
    public async Task CreateAsync_Twice_KeepsRows()
    {
        await GetStoreAsync();
        await WriteAsync([Message(1)], commit: true);

        var store = await GetStoreAsync();

        Assert.Equal([Message(1)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsAndTheTransactionCanRollBack()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1)], commit: true);

        var error = await Assert.ThrowsAsync<SqliteException>(() => WriteAsync([Message(2), Message(1)], commit: true));

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal([Message(1)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_CompletedTransaction_Throws()
    {
        await GetStoreAsync();
        await using var connection = await _database.OpenAsync();
        var transaction = connection.BeginTransaction();
        transaction.Commit();

        await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteOutbox.AddAsync(transaction, Message(1), CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_WithTheStateChange_CommitsOrRollsBackBoth()
    {
        var store = await GetStoreAsync();
        await using var connection = await _database.OpenAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE likes (note_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (note_id, user_id));";
            await create.ExecuteNonQueryAsync();
        }

        await LikeAsync(connection, "u1", Message(1), commit: false);
        await LikeAsync(connection, "u2", Message(2), commit: true);

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT group_concat(user_id) FROM likes;";
        Assert.Equal("u2", await count.ExecuteScalarAsync());
        Assert.Equal([Message(2)], await store.GetUnsentAsync(10, CancellationToken.None));

        static async Task LikeAsync(SqliteConnection connection, string userId, OutboxMessage message, bool commit)
        {
            await using var transaction = connection.BeginTransaction();
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO likes (note_id, user_id) VALUES ('note-1', $user);";
                insert.Parameters.AddWithValue("$user", userId);
                await insert.ExecuteNonQueryAsync();
            }

            await SqliteOutbox.AddAsync(transaction, message, CancellationToken.None);
            await Complete(transaction, commit);
        }
    }

    [Fact]
    public async Task SqliteOutboxStore_FactoryConnections_AreOpenedAndDisposed()
    {
        await GetStoreAsync();
        await WriteAsync([Message(1)], commit: true);
        var created = new List<SqliteConnection>();
        var store = new SqliteOutboxStore(() =>
        {
            var connection = new SqliteConnection(_database.ConnectionString);
            created.Add(connection);
            return connection;
        });

        await store.MarkSentAsync([Message(1).Id], T0, CancellationToken.None);
        await store.GetUnsentAsync(1, CancellationToken.None);

        Assert.Equal(2, created.Count);
        Assert.All(created, c => Assert.Equal(System.Data.ConnectionState.Closed, c.State));
    }

    private static async Task Complete(SqliteTransaction transaction, bool commit)
    {
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }
}
