using MongoDB.Bson;
using MongoDB.Driver;
using RedBook.Messaging.Outbox;
using static RedBook.Messaging.MongoDB.MongoMessagingSchema;

namespace RedBook.Messaging.MongoDB;

/// <summary>
/// Writes outbox documents inside a store's own MongoDB transaction, so the document commits or aborts with the
/// state change it reports. The relay reads them through <see cref="MongoOutboxStore"/>.
/// </summary>
/// <remarks>
/// The sequence (the relay's publishing order) comes from a counter document incremented in the same transaction.
/// Two concurrent writers therefore conflict on the counter and MongoDB retries one of them
/// (<c>WithTransactionAsync</c> retries the <c>TransientTransactionError</c>), which makes sequence order commit
/// order: the relay never skips a lower sequence that commits later.
/// </remarks>
public static class MongoOutbox
{
    /// <summary>
    /// Inserts <paramref name="message"/> into the outbox of <paramref name="database"/> within the transaction of
    /// <paramref name="session"/>.
    /// </summary>
    /// <param name="session">A session with a transaction in progress.</param>
    /// <param name="database">The service's database.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the commands.</param>
    /// <exception cref="InvalidOperationException">The session has no transaction in progress.</exception>
    /// <exception cref="MongoWriteException">A message with the same id is already in the outbox, or the write failed.</exception>
    public static async Task AddAsync(IClientSessionHandle session, IMongoDatabase database, OutboxMessage message, CancellationToken cancellationToken)
    {
        EnsureInTransaction(session);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(message);

        var counter = await Counters(database).FindOneAndUpdateAsync(
            session,
            Builders<BsonDocument>.Filter.Eq(Fields.Id, OutboxCounterId),
            Builders<BsonDocument>.Update.Inc(Fields.Value, 1L),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken).ConfigureAwait(false);

        var document = new BsonDocument
        {
            { Fields.Id, message.Id },
            { Fields.Sequence, counter[Fields.Value].ToInt64() },
            { Fields.Topic, message.Topic },
            { Fields.Key, message.Key },
            { Fields.Type, message.Type },
            { Fields.Payload, message.Payload },
            { Fields.TraceParent, (BsonValue?)message.TraceParent ?? BsonNull.Value },
            { Fields.TraceState, (BsonValue?)message.TraceState ?? BsonNull.Value },
            { Fields.CreatedAt, ToBson(message.CreatedAt) },
            { Fields.SentAt, BsonNull.Value },
        };
        await OutboxMessages(database).InsertOneAsync(session, document, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
