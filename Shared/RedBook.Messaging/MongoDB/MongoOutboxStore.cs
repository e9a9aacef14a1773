using MongoDB.Bson;
using MongoDB.Driver;
using RedBook.Messaging.Outbox;
using static RedBook.Messaging.MongoDB.MongoMessagingSchema;

namespace RedBook.Messaging.MongoDB;

/// <summary>
/// The relay's view of a MongoDB outbox (<see cref="MongoMessagingSchema.OutboxCollection"/>): unsent documents
/// oldest first by their sequence, marking documents sent, and purging old sent documents.
/// </summary>
/// <remarks>
/// BSON dates hold milliseconds, so <see cref="OutboxMessage.CreatedAt"/> reads back truncated to the millisecond.
/// </remarks>
public sealed class MongoOutboxStore : IOutboxStore
{
    private readonly IMongoCollection<BsonDocument> _outbox;

    /// <summary>Creates a store over the outbox collection of <paramref name="database"/>.</summary>
    public MongoOutboxStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _outbox = OutboxMessages(database);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var documents = await _outbox
            .Find(Builders<BsonDocument>.Filter.Eq(Fields.SentAt, BsonNull.Value))
            .Sort(Builders<BsonDocument>.Sort.Ascending(Fields.Sequence))
            .Limit(maxCount)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return documents.ConvertAll(static d => new OutboxMessage
        {
            Id = d[Fields.Id].AsString,
            Topic = d[Fields.Topic].AsString,
            Key = d[Fields.Key].AsString,
            Type = d[Fields.Type].AsString,
            Payload = d[Fields.Payload].AsString,
            TraceParent = d.GetValue(Fields.TraceParent, BsonNull.Value) is { IsString: true } parent ? parent.AsString : null,
            TraceState = d.GetValue(Fields.TraceState, BsonNull.Value) is { IsString: true } state ? state.AsString : null,
            CreatedAt = FromBson(d[Fields.CreatedAt]),
        });
    }

    /// <inheritdoc />
    public async Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        foreach (var id in ids)
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(ids));
        }

        await _outbox.UpdateManyAsync(
            Builders<BsonDocument>.Filter.In(Fields.Id, ids) & Builders<BsonDocument>.Filter.Eq(Fields.SentAt, BsonNull.Value),
            Builders<BsonDocument>.Update.Set(Fields.SentAt, ToBson(sentAt)),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        var result = await _outbox.DeleteManyAsync(
            Builders<BsonDocument>.Filter.Lt(Fields.SentAt, ToBson(sentBefore)),
            cancellationToken).ConfigureAwait(false);
        return checked((int)result.DeletedCount);
    }
}
