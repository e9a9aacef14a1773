using MongoDB.Driver;
using RedBook.Messaging.MongoDB;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Tests.Outbox;

namespace RedBook.Messaging.Tests.MongoDB;

/// <summary>
/// The store contract against a real MongoDB replica set named by <c>REDBOOK_TEST_MONGODB</c> (a connection string);
/// without it every test is skipped with that reason. Each test uses its own database and drops it at the end.
/// </summary>
public sealed class MongoMessagingStoreTests : MessagingStoreContractTests, IDisposable
{
    private const string ConnectionStringVariable = "REDBOOK_TEST_MONGODB";

    private readonly string _databaseName = $"redbook_messaging_{Guid.NewGuid():N}";
    private MongoClient? _client;
    private IMongoDatabase? _database;

    private IMongoDatabase Database => _database ?? throw new InvalidOperationException("GetStoreAsync first.");

    public void Dispose()
    {
        if (_client is not null)
        {
            _client.DropDatabase(_databaseName);
            _client.Dispose();
        }
    }

    protected override async Task<IOutboxStore> GetStoreAsync()
    {
        if (_database is null)
        {
            var connectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);
            Skip.If(string.IsNullOrWhiteSpace(connectionString),
                $"{ConnectionStringVariable} is not set: set it to a MongoDB replica set's connection string (transactions need one) to run the MongoDB store tests.");
            _client = new MongoClient(connectionString);
            _database = _client.GetDatabase(_databaseName);
        }

        await MongoMessagingSchema.CreateAsync(_database, CancellationToken.None);
        return new MongoOutboxStore(_database);
    }

    protected override async Task WriteAsync(IReadOnlyList<OutboxMessage> messages, bool commit)
    {
        using var session = await _client!.StartSessionAsync();
        session.StartTransaction();
        foreach (var message in messages)
        {
            await MongoOutbox.AddAsync(session, Database, message, CancellationToken.None);
        }

        await Complete(session, commit);
    }

    protected override async Task<bool> TryRecordProcessedAsync(string consumerGroup, string messageId, DateTimeOffset processedAt, bool commit)
    {
        using var session = await _client!.StartSessionAsync();
        session.StartTransaction();
        var recorded = await MongoProcessedMessages.TryRecordAsync(session, Database, consumerGroup, messageId, processedAt, CancellationToken.None);
        await Complete(session, commit);
        return recorded;
    }

    protected override Task<long> PurgeProcessedAsync(DateTimeOffset before) =>
        MongoProcessedMessages.PurgeAsync(Database, before, CancellationToken.None);

    [SkippableFact]
    public async Task AddAsync_SessionWithoutTransaction_Throws()
    {
        await GetStoreAsync();
        using var session = await _client!.StartSessionAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => MongoOutbox.AddAsync(session, Database, Message(1), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => MongoProcessedMessages.TryRecordAsync(session, Database, "g", "m", T0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task AddAsync_DuplicateId_ThrowsAndTheTransactionAborts()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1)], commit: true);

        await Assert.ThrowsAsync<MongoWriteException>(() => WriteAsync([Message(2), Message(1)], commit: true));

        Assert.Equal([Message(1)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    private static async Task Complete(IClientSessionHandle session, bool commit)
    {
        if (commit)
        {
            await session.CommitTransactionAsync();
        }
        else
        {
            await session.AbortTransactionAsync();
        }
    }
}
