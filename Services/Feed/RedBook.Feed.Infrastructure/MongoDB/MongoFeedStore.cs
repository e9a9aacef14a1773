using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;
using RedBook.Domain.Paging;
using RedBook.Feed.Core.Timeline;
using RedBook.Messaging.MongoDB;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Storage.MongoDB;

namespace RedBook.Feed.Infrastructure.MongoDB;

/// <summary>
/// The feed store on MongoDB (the real driver). Each write and its outbox document share one multi-document
/// transaction (a replica set is required; see <see cref="MongoMessagingSchema"/>). Indexes: notes
/// (<c>authorId, _id desc</c>), (<c>tags, _id desc</c>), (<c>createdAt desc</c>); likes (<c>userId, noteId</c>);
/// comments (<c>noteId, _id desc</c>); follows unique (<c>followerId, authorId</c>) and (<c>followerId, _id desc</c>).
/// </summary>
public sealed class MongoFeedStore : IFeedStore, IHealthCheck
{
    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<NoteDocument> _notes;
    private readonly IMongoCollection<LikeDocument> _likes;
    private readonly IMongoCollection<CommentDocument> _comments;
    private readonly IMongoCollection<FollowDocument> _follows;
    private readonly IMongoCollection<ProductSalesDocument> _sales;
    private readonly IMongoCollection<HotNotesDocument> _hot;
    private readonly MongoOutboxStore _outbox;
    private readonly IOutboxSignal? _outboxSignal;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store over <paramref name="database"/>; it wakes the outbox relay through <paramref name="outboxSignal"/> after each commit, when one is given.</summary>
    public MongoFeedStore(IMongoDatabase database, TimeProvider timeProvider, IOutboxSignal? outboxSignal = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _notes = database.GetCollection<NoteDocument>("notes");
        _likes = database.GetCollection<LikeDocument>("likes");
        _comments = database.GetCollection<CommentDocument>("comments");
        _follows = database.GetCollection<FollowDocument>("follows");
        _sales = database.GetCollection<ProductSalesDocument>("product_sales");
        _hot = database.GetCollection<HotNotesDocument>("hot_notes");
        _outbox = new MongoOutboxStore(database);
        _timeProvider = timeProvider;
        _outboxSignal = outboxSignal;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await MongoStorage.EnsureCollectionsAsync(_database, ["notes", "likes", "comments", "follows", "product_sales", "hot_notes", MongoMessagingSchema.OutboxCollection, MongoMessagingSchema.ProcessedMessagesCollection], cancellationToken).ConfigureAwait(false);

        var notes = Builders<NoteDocument>.IndexKeys;
        await _notes.Indexes.CreateManyAsync(
        [
            new(notes.Ascending(n => n.AuthorId).Descending(n => n.Id), new CreateIndexOptions { Name = "ix_authorId_id" }),
            new(notes.Ascending(n => n.Tags).Descending(n => n.Id), new CreateIndexOptions { Name = "ix_tags_id" }),
            new(notes.Descending(n => n.CreatedAt), new CreateIndexOptions { Name = "ix_createdAt" }),
        ], cancellationToken).ConfigureAwait(false);
        await _likes.Indexes.CreateOneAsync(
            new CreateIndexModel<LikeDocument>(Builders<LikeDocument>.IndexKeys.Ascending(l => l.UserId).Ascending(l => l.NoteId), new CreateIndexOptions { Name = "ix_userId_noteId" }),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await _comments.Indexes.CreateOneAsync(
            new CreateIndexModel<CommentDocument>(Builders<CommentDocument>.IndexKeys.Ascending(c => c.NoteId).Descending(c => c.Id), new CreateIndexOptions { Name = "ix_noteId_id" }),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var follows = Builders<FollowDocument>.IndexKeys;
        await _follows.Indexes.CreateManyAsync(
        [
            new(follows.Ascending(f => f.FollowerId).Ascending(f => f.AuthorId), new CreateIndexOptions { Name = "ux_followerId_authorId", Unique = true }),
            new(follows.Ascending(f => f.FollowerId).Descending(f => f.Id), new CreateIndexOptions { Name = "ix_followerId_id" }),
        ], cancellationToken).ConfigureAwait(false);
        await MongoMessagingSchema.CreateAsync(_database, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task CreateNoteAsync(Note note, OutboxMessage created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        return InTransactionAsync(async (session, ct) =>
        {
            await _notes.InsertOneAsync(session, NoteDocument.From(note), cancellationToken: ct).ConfigureAwait(false);
            await MongoOutbox.AddAsync(session, _database, created, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Note?> GetNoteAsync(string noteId, CancellationToken cancellationToken) =>
        (await _notes.Find(n => n.Id == noteId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToNote();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Note>> GetNotesAsync(IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken) =>
        (await _notes.Find(Builders<NoteDocument>.Filter.In(n => n.Id, noteIds)).ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToNote());

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByAuthorAsync(string authorId, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(Builders<NoteDocument>.Filter.Eq(n => n.AuthorId, authorId), page, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByAuthorsAsync(IReadOnlyCollection<string> authorIds, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(Builders<NoteDocument>.Filter.In(n => n.AuthorId, authorIds), page, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByTagAsync(string tag, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(Builders<NoteDocument>.Filter.AnyEq(n => n.Tags, tag), page, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListRecentNotesAsync(PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(Builders<NoteDocument>.Filter.Empty, page, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Note>> ListNotesCreatedSinceAsync(DateTimeOffset since, int maxCount, CancellationToken cancellationToken) =>
        (await _notes.Find(Builders<NoteDocument>.Filter.Gte(n => n.CreatedAt, since.UtcDateTime))
            .Sort(Builders<NoteDocument>.Sort.Descending(n => n.CreatedAt))
            .Limit(maxCount)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToNote());

    /// <inheritdoc />
    public Task<ToggleOutcome> LikeNoteAsync(string noteId, string userId, OutboxMessage liked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liked);
        return InTransactionAsync(async (session, ct) =>
        {
            if (!await NoteExistsAsync(session, noteId, ct).ConfigureAwait(false))
            {
                return ToggleOutcome.NoteNotFound;
            }

            var result = await _likes.UpdateOneAsync(
                session,
                l => l.Id == LikeDocument.IdOf(noteId, userId),
                Builders<LikeDocument>.Update
                    .SetOnInsert(l => l.NoteId, noteId)
                    .SetOnInsert(l => l.UserId, userId)
                    .SetOnInsert(l => l.CreatedAt, liked.CreatedAt.UtcDateTime),
                new UpdateOptions { IsUpsert = true },
                ct).ConfigureAwait(false);
            if (result.UpsertedId is null)
            {
                return ToggleOutcome.Unchanged;
            }

            await MongoOutbox.AddAsync(session, _database, liked, ct).ConfigureAwait(false);
            return ToggleOutcome.Changed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ToggleOutcome> UnlikeNoteAsync(string noteId, string userId, OutboxMessage unliked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unliked);
        return InTransactionAsync(async (session, ct) =>
        {
            if (!await NoteExistsAsync(session, noteId, ct).ConfigureAwait(false))
            {
                return ToggleOutcome.NoteNotFound;
            }

            var result = await _likes.DeleteOneAsync(session, l => l.Id == LikeDocument.IdOf(noteId, userId), cancellationToken: ct).ConfigureAwait(false);
            if (result.DeletedCount == 0)
            {
                return ToggleOutcome.Unchanged;
            }

            await MongoOutbox.AddAsync(session, _database, unliked, ct).ConfigureAwait(false);
            return ToggleOutcome.Changed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> GetLikedNoteIdsAsync(string userId, IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken)
    {
        var likes = await _likes.Find(Builders<LikeDocument>.Filter.Eq(l => l.UserId, userId) & Builders<LikeDocument>.Filter.In(l => l.NoteId, noteIds))
            .Project(l => l.NoteId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return likes.ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public Task<bool> AddCommentAsync(Comment comment, OutboxMessage commented, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return InTransactionAsync(async (session, ct) =>
        {
            if (!await NoteExistsAsync(session, comment.NoteId, ct).ConfigureAwait(false))
            {
                return false;
            }

            await _comments.InsertOneAsync(session, new CommentDocument
            {
                Id = comment.Id,
                NoteId = comment.NoteId,
                AuthorId = comment.AuthorId,
                Body = comment.Body,
                CreatedAt = comment.CreatedAt.UtcDateTime,
            }, cancellationToken: ct).ConfigureAwait(false);
            await MongoOutbox.AddAsync(session, _database, commented, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Comment>> ListCommentsAsync(string noteId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var filter = Builders<CommentDocument>.Filter.Eq(c => c.NoteId, noteId);
        if (page.After is not null)
        {
            filter &= Builders<CommentDocument>.Filter.Lt(c => c.Id, page.After);
        }

        return (await _comments.Find(filter).Sort(Builders<CommentDocument>.Sort.Descending(c => c.Id)).Limit(page.Size)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToComment());
    }

    /// <inheritdoc />
    public Task<DeleteCommentOutcome> DeleteCommentAsync(string noteId, string commentId, string requesterId, OutboxMessage deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        return InTransactionAsync(async (session, ct) =>
        {
            var comment = await _comments.Find(session, c => c.Id == commentId && c.NoteId == noteId).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (comment is null)
            {
                return DeleteCommentOutcome.NotFound;
            }

            if (!string.Equals(comment.AuthorId, requesterId, StringComparison.Ordinal))
            {
                return DeleteCommentOutcome.NotAuthor;
            }

            var result = await _comments.DeleteOneAsync(session, c => c.Id == commentId, cancellationToken: ct).ConfigureAwait(false);
            if (result.DeletedCount == 0)
            {
                return DeleteCommentOutcome.NotFound;
            }

            await MongoOutbox.AddAsync(session, _database, deleted, ct).ConfigureAwait(false);
            return DeleteCommentOutcome.Deleted;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> FollowAsync(Follow follow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follow);
        var result = await _follows.UpdateOneAsync(
            f => f.FollowerId == follow.FollowerId && f.AuthorId == follow.AuthorId,
            Builders<FollowDocument>.Update
                .SetOnInsert(f => f.Id, follow.Id)
                .SetOnInsert(f => f.CreatedAt, follow.CreatedAt.UtcDateTime),
            new UpdateOptions { IsUpsert = true },
            cancellationToken).ConfigureAwait(false);
        return result.UpsertedId is not null;
    }

    /// <inheritdoc />
    public async Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken) =>
        (await _follows.DeleteOneAsync(f => f.FollowerId == followerId && f.AuthorId == authorId, cancellationToken).ConfigureAwait(false)).DeletedCount == 1;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Follow>> ListFollowingAsync(string followerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var filter = Builders<FollowDocument>.Filter.Eq(f => f.FollowerId, followerId);
        if (page.After is not null)
        {
            filter &= Builders<FollowDocument>.Filter.Lt(f => f.Id, page.After);
        }

        return (await _follows.Find(filter).Sort(Builders<FollowDocument>.Sort.Descending(f => f.Id)).Limit(page.Size)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToFollow());
    }

    /// <inheritdoc />
    public Task<bool> ApplyNoteCountersAsync(string consumerGroup, string messageId, string noteId, long likeDelta, long commentDelta, CancellationToken cancellationToken) =>
        InTransactionAsync(async (session, ct) =>
        {
            if (!await MongoProcessedMessages.TryRecordAsync(session, _database, consumerGroup, messageId, _timeProvider.GetUtcNow(), ct).ConfigureAwait(false))
            {
                return false;
            }

            await _notes.UpdateOneAsync(session, n => n.Id == noteId,
                Builders<NoteDocument>.Update.Inc(n => n.LikeCount, likeDelta).Inc(n => n.CommentCount, commentDelta),
                cancellationToken: ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ApplyProductSalesAsync(string consumerGroup, string messageId, IReadOnlyList<ProductSales> deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        return InTransactionAsync(async (session, ct) =>
        {
            if (!await MongoProcessedMessages.TryRecordAsync(session, _database, consumerGroup, messageId, _timeProvider.GetUtcNow(), ct).ConfigureAwait(false))
            {
                return false;
            }

            foreach (var delta in deltas)
            {
                await _sales.UpdateOneAsync(session, s => s.Id == delta.ProductId,
                    Builders<ProductSalesDocument>.Update.Inc(s => s.Sold, delta.Sold),
                    new UpdateOptions { IsUpsert = true }, ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> PurgeProcessedMessagesAsync(DateTimeOffset processedBefore, CancellationToken cancellationToken) =>
        MongoProcessedMessages.PurgeAsync(_database, processedBefore, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProductSales>> GetProductSalesAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken) =>
        (await _sales.Find(Builders<ProductSalesDocument>.Filter.In(s => s.Id, productIds)).ToListAsync(cancellationToken).ConfigureAwait(false))
        .ConvertAll(d => new ProductSales(d.Id, d.Sold));

    /// <inheritdoc />
    public Task SaveHotNotesAsync(HotNotesSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var document = new HotNotesDocument
        {
            ComputedAt = snapshot.ComputedAt.UtcDateTime,
            Entries = snapshot.Entries.Select(e => new HotNoteEntryDocument { NoteId = e.NoteId, Score = e.Score }).ToList(),
        };
        return _hot.ReplaceOneAsync(h => h.Id == HotNotesDocument.CurrentId, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<HotNotesSnapshot?> GetHotNotesAsync(CancellationToken cancellationToken)
    {
        var document = await _hot.Find(h => h.Id == HotNotesDocument.CurrentId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null
            ? null
            : new HotNotesSnapshot(new DateTimeOffset(document.ComputedAt, TimeSpan.Zero), document.Entries.ConvertAll(e => new HotNoteEntry(e.NoteId, e.Score)));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken) => _outbox.GetUnsentAsync(maxCount, cancellationToken);

    /// <inheritdoc />
    public Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken) => _outbox.MarkSentAsync(ids, sentAt, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) => _outbox.PurgeSentAsync(sentBefore, cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        MongoStorage.CheckHealthAsync(_database, cancellationToken);

    private Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        MongoStorage.InTransactionAsync(_database, work, _outboxSignal is null ? null : _outboxSignal.Notify, cancellationToken);

    private async Task<bool> NoteExistsAsync(IClientSessionHandle session, string noteId, CancellationToken cancellationToken) =>
        await _notes.Find(session, n => n.Id == noteId).Project(n => n.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is not null;

    private async Task<IReadOnlyList<Note>> PageAsync(FilterDefinition<NoteDocument> filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.After is not null)
        {
            filter &= Builders<NoteDocument>.Filter.Lt(n => n.Id, page.After);
        }

        return (await _notes.Find(filter).Sort(Builders<NoteDocument>.Sort.Descending(n => n.Id)).Limit(page.Size)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToNote());
    }
}
