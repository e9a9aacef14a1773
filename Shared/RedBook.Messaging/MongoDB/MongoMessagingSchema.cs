using MongoDB.Bson;
using MongoDB.Driver;

namespace RedBook.Messaging.MongoDB;

/// <summary>
/// The MongoDB collections of the transactional outbox and of the consumers' processed-message records, and
/// their indexes. A service keeps them in its own database, so its writes, their outbox documents and its
/// consumers' records share one multi-document transaction.
/// </summary>
/// <remarks>
/// Multi-document transactions need a replica set (a single-node one is enough): run <c>mongod --replSet rs0</c>
/// and initiate it once with <c>rs.initiate()</c> (mongosh), then connect with <c>?replicaSet=rs0</c> or
/// <c>?directConnection=true</c>. A standalone <c>mongod</c> rejects the transaction with
/// "Transaction numbers are only allowed on a replica set member or mongos".
/// </remarks>
public static class MongoMessagingSchema
{
    /// <summary>The outbox collection: one document per message, <c>_id</c> = message id.</summary>
    public const string OutboxCollection = "outbox_messages";

    /// <summary>The processed-message collection: one document per (consumer group, message id).</summary>
    public const string ProcessedMessagesCollection = "processed_messages";

    /// <summary>The counter collection that hands out the outbox's sequence numbers.</summary>
    public const string CountersCollection = "messaging_counters";

    internal const string OutboxCounterId = "outbox";

    internal static class Fields
    {
        public const string Id = "_id";
        public const string Sequence = "sequence";
        public const string Topic = "topic";
        public const string Key = "key";
        public const string Type = "type";
        public const string Payload = "payload";
        public const string TraceParent = "traceParent";
        public const string TraceState = "traceState";
        public const string CreatedAt = "createdAt";
        public const string SentAt = "sentAt";
        public const string Value = "value";
        public const string ConsumerGroup = "consumerGroup";
        public const string MessageId = "messageId";
        public const string ProcessedAt = "processedAt";
    }

    /// <summary>
    /// Creates the indexes (idempotent): the outbox's (<c>sentAt</c>, <c>sequence</c>) for "unsent, oldest first" and
    /// the purge, the unique (<c>consumerGroup</c>, <c>messageId</c>) of the processed-message records, and the outbox
    /// sequence counter. Call it once at start-up, outside any transaction.
    /// </summary>
    /// <param name="database">The service's database.</param>
    /// <param name="cancellationToken">Cancels the commands.</param>
    public static async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);

        await OutboxMessages(database).Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending(Fields.SentAt).Ascending(Fields.Sequence),
                new CreateIndexOptions { Name = "ix_sentAt_sequence" }),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        await ProcessedMessages(database).Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending(Fields.ConsumerGroup).Ascending(Fields.MessageId),
                new CreateIndexOptions { Name = "ux_consumerGroup_messageId", Unique = true }),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        await ProcessedMessages(database).Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending(Fields.ProcessedAt),
                new CreateIndexOptions { Name = "ix_processedAt" }),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        // Creating the counter here keeps the collection creation out of the writers' transactions.
        await Counters(database).UpdateOneAsync(
            Builders<BsonDocument>.Filter.Eq(Fields.Id, OutboxCounterId),
            Builders<BsonDocument>.Update.SetOnInsert(Fields.Value, 0L),
            new UpdateOptions { IsUpsert = true },
            cancellationToken).ConfigureAwait(false);
    }

    internal static IMongoCollection<BsonDocument> OutboxMessages(IMongoDatabase database) => database.GetCollection<BsonDocument>(OutboxCollection);

    internal static IMongoCollection<BsonDocument> ProcessedMessages(IMongoDatabase database) => database.GetCollection<BsonDocument>(ProcessedMessagesCollection);

    internal static IMongoCollection<BsonDocument> Counters(IMongoDatabase database) => database.GetCollection<BsonDocument>(CountersCollection);

    internal static void EnsureInTransaction(IClientSessionHandle session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.IsInTransaction)
        {
            throw new InvalidOperationException(
                "The session has no transaction in progress: write the outbox and processed-message records inside session.StartTransaction() or session.WithTransactionAsync(...), with the state change they belong to.");
        }
    }

    internal static BsonDateTime ToBson(DateTimeOffset value) => new(value.UtcDateTime);

    internal static DateTimeOffset FromBson(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);
}
