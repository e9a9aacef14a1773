using System.Text.Json;
using Microsoft.Extensions.Options;
using RedBook.Domain;
using RedBook.Domain.Paging;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Core.Timeline;

namespace RedBook.Feed.Core;

/// <summary>
/// The feed's use cases over <see cref="IFeedStore"/> and <see cref="IFeedCache"/>. Arguments arrive validated (the
/// edge checks them with <see cref="Validation.FeedRules"/> and <see cref="PageToken"/>); the domain's own failures
/// (an unknown note, a comment deleted by someone else) are thrown as <c>RedBookException</c> from
/// <see cref="FeedErrors"/>. The gRPC service, the <c>feed-counters</c> and <c>feed-sales</c> consumers and the
/// hot-notes job all call this class.
/// </summary>
public sealed class FeedService(IFeedStore store, IFeedCache cache, IOptionsMonitor<FeedOptions> options, TimeProvider timeProvider)
{
    /// <summary>Creates a note by <paramref name="authorId"/> and its <c>note.created</c> event.</summary>
    public async Task<NoteView> CreateNoteAsync(string authorId, NoteDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var note = new Note
        {
            Id = EntityIds.New(timeProvider),
            AuthorId = authorId,
            Title = draft.Title,
            Body = draft.Body,
            Tags = draft.Tags,
            ImageRefs = draft.ImageRefs,
            ProductIds = draft.ProductIds,
            CreatedAt = DomainClock.Now(timeProvider),
        };
        await store.CreateNoteAsync(note, FeedEvents.NoteCreated(note, timeProvider), cancellationToken).ConfigureAwait(false);
        await cache.InvalidateAsync(FeedCacheKeys.Note(note.Id), cancellationToken).ConfigureAwait(false);
        return (await ViewsAsync([note], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>A note with its products' sales; NOT_FOUND when there is none.</summary>
    public async Task<NoteView> GetNoteAsync(string noteId, CancellationToken cancellationToken)
    {
        var note = await GetCachedNoteAsync(noteId, cancellationToken).ConfigureAwait(false) ?? throw FeedErrors.NoteNotFound(noteId);
        return (await ViewsAsync([note], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>An author's notes, newest first.</summary>
    public async Task<Page<NoteView>> ListNotesByAuthorAsync(string authorId, PageRequest page, CancellationToken cancellationToken) =>
        await PageOfViewsAsync(await store.ListNotesByAuthorAsync(authorId, Pages.Probe(page), cancellationToken).ConfigureAwait(false), page, cancellationToken).ConfigureAwait(false);

    /// <summary>The notes with a tag, newest first.</summary>
    public async Task<Page<NoteView>> ListNotesByTagAsync(string tag, PageRequest page, CancellationToken cancellationToken) =>
        await PageOfViewsAsync(await store.ListNotesByTagAsync(tag, Pages.Probe(page), cancellationToken).ConfigureAwait(false), page, cancellationToken).ConfigureAwait(false);

    /// <summary>All notes, newest first.</summary>
    public async Task<Page<NoteView>> ListRecentNotesAsync(PageRequest page, CancellationToken cancellationToken) =>
        await PageOfViewsAsync(await store.ListRecentNotesAsync(Pages.Probe(page), cancellationToken).ConfigureAwait(false), page, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A user's timeline: the notes of the authors they follow (the <see cref="FeedOptions.TimelineMaxAuthors"/> most
    /// recently followed), newest first. Fan-out on read: one indexed query over the authors.
    /// </summary>
    public async Task<Page<NoteView>> ListTimelineAsync(string userId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var follows = await store.ListFollowingAsync(userId, new PageRequest(null, options.CurrentValue.TimelineMaxAuthors), cancellationToken).ConfigureAwait(false);
        if (follows.Count == 0)
        {
            return new Page<NoteView>([], null);
        }

        var authors = follows.Select(f => f.AuthorId).ToList();
        var notes = await store.ListNotesByAuthorsAsync(authors, Pages.Probe(page), cancellationToken).ConfigureAwait(false);
        return await PageOfViewsAsync(notes, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A page of the hot-notes ranking, served from the cache (cache-aside over the stored ranking). Empty until the
    /// ranking was first computed.
    /// </summary>
    public async Task<(IReadOnlyList<HotNoteView> Items, string? NextPageToken, DateTimeOffset? ComputedAt)> ListHotNotesAsync(int offset, int size, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var hot = await cache.GetOrLoadAsync(FeedCacheKeys.HotNotes, FeedJsonContext.Default.HotNotes, current.HotNotesCacheTtl, current.NullCacheTtl, LoadHotNotesAsync, cancellationToken).ConfigureAwait(false);
        if (hot is null || offset >= hot.Notes.Count)
        {
            return ([], null, hot?.ComputedAt);
        }

        var slice = hot.Notes.Skip(offset).Take(size).ToList();
        var views = await ViewsAsync(slice.Select(h => h.Note).ToList(), cancellationToken).ConfigureAwait(false);
        var items = views.Select((view, i) => new HotNoteView(view, slice[i].Score, offset + i + 1)).ToList();
        var next = offset + size < hot.Notes.Count ? PageToken.ForOffset(offset + size) : null;
        return (items, next, hot.ComputedAt);
    }

    /// <summary>
    /// Recomputes the hot-notes ranking from the notes of the last <see cref="FeedOptions.HotNotesWindow"/>, stores it
    /// and deletes the cached ranking. The hot-notes job calls this on its schedule.
    /// </summary>
    public async Task<HotNotesSnapshot> RecomputeHotNotesAsync(CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var now = DomainClock.Now(timeProvider);
        var candidates = await store.ListNotesCreatedSinceAsync(now - current.HotNotesWindow, current.HotNotesMaxCandidates, cancellationToken).ConfigureAwait(false);
        var snapshot = HotRanking.Rank(candidates, now, current.HotNotesSize);
        await store.SaveHotNotesAsync(snapshot, cancellationToken).ConfigureAwait(false);
        await cache.InvalidateAsync(FeedCacheKeys.HotNotes, cancellationToken).ConfigureAwait(false);
        return snapshot;
    }

    /// <summary>Likes a note (idempotent per user and note): true when the like is new. NOT_FOUND for an unknown note.</summary>
    public async Task<bool> LikeNoteAsync(string noteId, string userId, CancellationToken cancellationToken)
    {
        var outcome = await store.LikeNoteAsync(noteId, userId, FeedEvents.NoteLiked(noteId, userId, timeProvider), cancellationToken).ConfigureAwait(false);
        return outcome == ToggleOutcome.NoteNotFound ? throw FeedErrors.NoteNotFound(noteId) : outcome == ToggleOutcome.Changed;
    }

    /// <summary>Removes a like (idempotent): true when there was one. NOT_FOUND for an unknown note.</summary>
    public async Task<bool> UnlikeNoteAsync(string noteId, string userId, CancellationToken cancellationToken)
    {
        var outcome = await store.UnlikeNoteAsync(noteId, userId, FeedEvents.NoteUnliked(noteId, userId, timeProvider), cancellationToken).ConfigureAwait(false);
        return outcome == ToggleOutcome.NoteNotFound ? throw FeedErrors.NoteNotFound(noteId) : outcome == ToggleOutcome.Changed;
    }

    /// <summary>The notes among <paramref name="noteIds"/> that <paramref name="userId"/> likes.</summary>
    public Task<IReadOnlySet<string>> GetLikedNoteIdsAsync(string userId, IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken) =>
        store.GetLikedNoteIdsAsync(userId, noteIds, cancellationToken);

    /// <summary>Adds a comment and its <c>note.commented</c> event. NOT_FOUND for an unknown note.</summary>
    public async Task<Comment> AddCommentAsync(string noteId, string authorId, string body, CancellationToken cancellationToken)
    {
        var comment = new Comment(EntityIds.New(timeProvider), noteId, authorId, body, DomainClock.Now(timeProvider));
        if (!await store.AddCommentAsync(comment, FeedEvents.NoteCommented(comment, timeProvider), cancellationToken).ConfigureAwait(false))
        {
            throw FeedErrors.NoteNotFound(noteId);
        }

        return comment;
    }

    /// <summary>A note's comments, newest first. NOT_FOUND for an unknown note.</summary>
    public async Task<Page<Comment>> ListCommentsAsync(string noteId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        _ = await GetCachedNoteAsync(noteId, cancellationToken).ConfigureAwait(false) ?? throw FeedErrors.NoteNotFound(noteId);
        var comments = await store.ListCommentsAsync(noteId, Pages.Probe(page), cancellationToken).ConfigureAwait(false);
        return Pages.Of(comments, page.Size, static c => c.Id);
    }

    /// <summary>
    /// Deletes a comment; only its author may (PERMISSION_DENIED otherwise). NOT_FOUND for an unknown note or comment.
    /// </summary>
    public async Task DeleteCommentAsync(string noteId, string commentId, string requesterId, CancellationToken cancellationToken)
    {
        var outcome = await store.DeleteCommentAsync(noteId, commentId, requesterId, FeedEvents.NoteCommentDeleted(noteId, commentId, timeProvider), cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case DeleteCommentOutcome.NotAuthor:
                throw FeedErrors.NotCommentAuthor(commentId);
            case DeleteCommentOutcome.NotFound:
                throw await store.GetNoteAsync(noteId, cancellationToken).ConfigureAwait(false) is null
                    ? FeedErrors.NoteNotFound(noteId)
                    : FeedErrors.CommentNotFound(noteId, commentId);
        }
    }

    /// <summary>Follows an author (idempotent): true when the follow is new.</summary>
    public Task<bool> FollowAsync(string followerId, string authorId, CancellationToken cancellationToken) =>
        store.FollowAsync(new Follow(EntityIds.New(timeProvider), followerId, authorId, DomainClock.Now(timeProvider)), cancellationToken);

    /// <summary>Stops following an author (idempotent): true when there was a follow.</summary>
    public Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken) =>
        store.UnfollowAsync(followerId, authorId, cancellationToken);

    /// <summary>Whom a user follows, most recent first.</summary>
    public async Task<Page<Follow>> ListFollowingAsync(string followerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var follows = await store.ListFollowingAsync(followerId, Pages.Probe(page), cancellationToken).ConfigureAwait(false);
        return Pages.Of(follows, page.Size, static f => f.Id);
    }

    /// <summary>
    /// The <c>feed-counters</c> handler of a <c>feed.notes</c> message: likes, unlikes, comments and comment deletions
    /// move the note's counters, once per message id. Other event types are not counted. Returns false when the
    /// message was applied before. Throws <see cref="JsonException"/> for a payload that is not the event.
    /// </summary>
    public async Task<bool> ApplyNoteEventAsync(string messageId, string type, string payload, CancellationToken cancellationToken)
    {
        var (noteId, likes, comments) = type switch
        {
            FeedTopics.NoteLikedType => (Read(payload, FeedJsonContext.Default.NoteLiked).NoteId, 1, 0),
            FeedTopics.NoteUnlikedType => (Read(payload, FeedJsonContext.Default.NoteUnliked).NoteId, -1, 0),
            FeedTopics.NoteCommentedType => (Read(payload, FeedJsonContext.Default.NoteCommented).NoteId, 0, 1),
            FeedTopics.NoteCommentDeletedType => (Read(payload, FeedJsonContext.Default.NoteCommentDeleted).NoteId, 0, -1),
            _ => (string.Empty, 0, 0),
        };
        if (noteId.Length == 0)
        {
            return false;
        }

        var applied = await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, messageId, noteId, likes, comments, cancellationToken).ConfigureAwait(false);
        if (applied)
        {
            await cache.InvalidateAsync(FeedCacheKeys.Note(noteId), cancellationToken).ConfigureAwait(false);
        }

        return applied;
    }
//#if (IncludeMall)

    /// <summary>
    /// The <c>feed-sales</c> handler of a <c>mall.orders</c> message: a placed order adds its quantities to the
    /// products' sales, a cancelled one takes them back, once per message id. Other types are ignored.
    /// </summary>
    public Task<bool> ApplyMallOrderEventAsync(string messageId, string type, string payload, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProductSales>? deltas = type switch
        {
            "order.placed" => Read(payload, FeedJsonContext.Default.MallOrderPlaced).Items.Select(i => new ProductSales(i.ProductId, i.Quantity)).ToList(),
            "order.cancelled" => Read(payload, FeedJsonContext.Default.MallOrderCancelled).Items.Select(i => new ProductSales(i.ProductId, -i.Quantity)).ToList(),
            _ => null,
        };
        return deltas is null
            ? Task.FromResult(false)
            : store.ApplyProductSalesAsync(FeedTopics.SalesConsumerGroup, messageId, deltas, cancellationToken);
    }
//#endif

    private Task<Note?> GetCachedNoteAsync(string noteId, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        return cache.GetOrLoadAsync(FeedCacheKeys.Note(noteId), FeedJsonContext.Default.Note, current.NoteCacheTtl, current.NullCacheTtl, ct => store.GetNoteAsync(noteId, ct), cancellationToken);
    }

    private async Task<HotNotes?> LoadHotNotesAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.GetHotNotesAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return null;
        }

        var notes = (await store.GetNotesAsync(snapshot.Entries.Select(e => e.NoteId).ToList(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(n => n.Id, StringComparer.Ordinal);
        var ranked = snapshot.Entries
            .Where(e => notes.ContainsKey(e.NoteId))
            .Select(e => new HotNote(notes[e.NoteId], e.Score))
            .ToList();
        return new HotNotes(snapshot.ComputedAt, ranked);
    }

    private async Task<Page<NoteView>> PageOfViewsAsync(IReadOnlyList<Note> notes, PageRequest page, CancellationToken cancellationToken)
    {
        var of = Pages.Of(notes, page.Size, static n => n.Id);
        return new Page<NoteView>(await ViewsAsync(of.Items, cancellationToken).ConfigureAwait(false), of.NextPageToken);
    }

    private async Task<IReadOnlyList<NoteView>> ViewsAsync(IReadOnlyList<Note> notes, CancellationToken cancellationToken)
    {
        var productIds = notes.SelectMany(n => n.ProductIds).Distinct(StringComparer.Ordinal).ToList();
        var sales = productIds.Count == 0
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : (await store.GetProductSalesAsync(productIds, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.ProductId, s => s.Sold, StringComparer.Ordinal);
        return notes
            .Select(n => new NoteView(n, n.ProductIds.Select(p => new ProductSales(p, sales.GetValueOrDefault(p))).ToList()))
            .ToList();
    }

    private static T Read<T>(string payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(payload, typeInfo) ?? throw new JsonException($"The payload is not a {typeof(T).Name}.");
}

/// <summary>A note of the hot ranking as served: its view, score and 1-based rank.</summary>
public sealed record HotNoteView(NoteView View, double Score, int Rank);
