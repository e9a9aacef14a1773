using MongoDB.Bson;
using MongoDB.Driver;
using static RedBook.Messaging.MongoDB.MongoMessagingSchema;

namespace RedBook.Messaging.MongoDB;

/// <summary>
/// The consumers' processed-message records in MongoDB: one document per (consumer group, message id) under a
/// unique index, written in the same transaction as the handler's state change.
/// </summary>
public static class MongoProcessedMessages
{
    /// <summary>
    /// Records that <paramref name="consumerGroup"/> processed <paramref name="messageId"/>, within the transaction of
    /// <paramref name="session"/>. Returns <see langword="false"/> when the record already exists: the message was
    /// processed before, and the caller must abort (or skip) its effect.
    /// </summary>
    /// <remarks>
    /// The record is an upsert with <c>$setOnInsert</c>, not an insert: a duplicate-key error inside a transaction
    /// would abort the whole transaction, while an upsert that matches simply reports no insertion.
    /// </remarks>
    /// <param name="session">A session with a transaction in progress.</param>
    /// <param name="database">The service's database.</param>
    /// <param name="consumerGroup">The consumer group, for example <c>feed-counters</c>.</param>
    /// <param name="messageId">The message id (the <c>message-id</c> header).</param>
    /// <param name="processedAt">When the message was processed.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <exception cref="InvalidOperationException">The session has no transaction in progress.</exception>
    public static async Task<bool> TryRecordAsync(IClientSessionHandle session, IMongoDatabase database, string consumerGroup, string messageId, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        EnsureInTransaction(session);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(messageId);

        var result = await ProcessedMessages(database).UpdateOneAsync(
            session,
            Builders<BsonDocument>.Filter.Eq(Fields.ConsumerGroup, consumerGroup) & Builders<BsonDocument>.Filter.Eq(Fields.MessageId, messageId),
            Builders<BsonDocument>.Update.SetOnInsert(Fields.ProcessedAt, ToBson(processedAt)),
            new UpdateOptions { IsUpsert = true },
            cancellationToken).ConfigureAwait(false);
        return result.UpsertedId is not null;
    }

    /// <summary>
    /// Deletes the records of messages processed before <paramref name="processedBefore"/> and returns how many it
    /// deleted. Keep records for longer than the topics' retention, or a redelivery after the purge is applied again.
    /// </summary>
    /// <param name="database">The service's database.</param>
    /// <param name="processedBefore">The cut-off time.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    public static async Task<long> PurgeAsync(IMongoDatabase database, DateTimeOffset processedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var result = await ProcessedMessages(database).DeleteManyAsync(
            Builders<BsonDocument>.Filter.Lt(Fields.ProcessedAt, ToBson(processedBefore)),
            cancellationToken).ConfigureAwait(false);
        return result.DeletedCount;
    }
}
