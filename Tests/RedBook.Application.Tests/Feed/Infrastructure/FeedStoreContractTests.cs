using Microsoft.Extensions.Time.Testing;
using RedBook.Domain;
using RedBook.Domain.Paging;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Core.Timeline;
using RedBook.Messaging.Outbox;

namespace RedBook.Application.Tests.Feed.Infrastructure;

/// <summary>
/// The contract every <see cref="IFeedStore"/> passes: round trips, unknown ids, keyset cursors (order and stability),
/// idempotent likes, follows and consumer records, and outbox atomicity. Subclasses supply the store.
/// </summary>
public abstract class FeedStoreContractTests : IDisposable
{
    private IFeedStore? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Creates a store over a new, empty database (skipping the test when the database is unavailable).</summary>
    protected abstract IFeedStore CreateStore();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private async Task<IFeedStore> StoreAsync()
    {
        if (_store is null)
        {
            _store = CreateStore();
            await _store.InitializeAsync(CancellationToken.None);
        }

        return _store;
    }

    [SkippableFact]
    public async Task InitializeAsync_Twice_IsIdempotent()
    {
        var store = await StoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        var note = await CreateNoteAsync(store, "alice");
        Assert.NotNull(await store.GetNoteAsync(note.Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task CreateNoteAsync_ThenGet_ReturnsEveryField()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice", tags: ["travel", "food"], products: [EntityIds.New(Time)]);

        var read = await store.GetNoteAsync(note.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(note.Id, read.Id);
        Assert.Equal("alice", read.AuthorId);
        Assert.Equal(note.Title, read.Title);
        Assert.Equal(note.Body, read.Body);
        Assert.Equal(note.Tags, read.Tags);
        Assert.Equal(note.ImageRefs, read.ImageRefs);
        Assert.Equal(note.ProductIds, read.ProductIds);
        Assert.Equal(note.CreatedAt, read.CreatedAt);
        Assert.Equal(0, read.LikeCount);
    }

    [SkippableFact]
    public async Task GetNoteAsync_UnknownId_ReturnsNull()
    {
        var store = await StoreAsync();
        Assert.Null(await store.GetNoteAsync(EntityIds.New(Time), CancellationToken.None));
        Assert.Empty(await store.GetNotesAsync([EntityIds.New(Time)], CancellationToken.None));
    }

    [SkippableFact]
    public async Task CreateNoteAsync_WritesItsEventToTheOutbox()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");

        var message = Assert.Single(await store.GetUnsentAsync(100, CancellationToken.None));
        Assert.Equal(FeedTopics.Notes, message.Topic);
        Assert.Equal(FeedTopics.NoteCreatedType, message.Type);
        Assert.Equal(note.Id, message.Key);
    }

    [SkippableFact]
    public async Task CreateNoteAsync_OutboxWriteFails_TheNoteIsNotWritten()
    {
        var store = await StoreAsync();
        var first = await CreateNoteAsync(store, "alice");
        var firstMessage = Assert.Single(await store.GetUnsentAsync(100, CancellationToken.None));
        var second = NewNote("alice");

        // The same message id again violates the outbox's unique id after the note row was written.
        await Assert.ThrowsAnyAsync<Exception>(() => store.CreateNoteAsync(second, firstMessage with { Key = second.Id }, CancellationToken.None));

        Assert.Null(await store.GetNoteAsync(second.Id, CancellationToken.None));
        Assert.NotNull(await store.GetNoteAsync(first.Id, CancellationToken.None));
        Assert.Single(await store.GetUnsentAsync(100, CancellationToken.None));
    }

    [SkippableFact]
    public async Task ListRecentNotesAsync_Pages_NewestFirstWithoutGapsOrRepeats()
    {
        var store = await StoreAsync();
        var created = new List<Note>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await CreateNoteAsync(store, $"author{i % 2}"));
        }

        var seen = await ReadAllAsync((page, ct) => store.ListRecentNotesAsync(page, ct), n => n.Id, 3);

        Assert.Equal(created.Select(n => n.Id).Reverse(), seen);
    }

    [SkippableFact]
    public async Task ListRecentNotesAsync_NoteCreatedBetweenPages_DoesNotShiftLaterPages()
    {
        var store = await StoreAsync();
        var created = new List<Note>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateNoteAsync(store, "alice"));
        }

        var first = await store.ListRecentNotesAsync(new PageRequest(null, 2), CancellationToken.None);
        await CreateNoteAsync(store, "alice");
        var rest = await store.ListRecentNotesAsync(new PageRequest(first[^1].Id, 10), CancellationToken.None);

        Assert.Equal(created.Select(n => n.Id).Reverse(), first.Concat(rest).Select(n => n.Id));
    }

    [SkippableFact]
    public async Task ListNotesByAuthorAsync_ReturnsOnlyThatAuthor_NewestFirst()
    {
        var store = await StoreAsync();
        var a1 = await CreateNoteAsync(store, "alice");
        await CreateNoteAsync(store, "bob");
        var a2 = await CreateNoteAsync(store, "alice");

        var seen = await ReadAllAsync((page, ct) => store.ListNotesByAuthorAsync("alice", page, ct), n => n.Id, 1);

        Assert.Equal([a2.Id, a1.Id], seen);
    }

    [SkippableFact]
    public async Task ListNotesByAuthorsAsync_MergesTheAuthors_NewestFirst()
    {
        var store = await StoreAsync();
        var a = await CreateNoteAsync(store, "alice");
        var b = await CreateNoteAsync(store, "bob");
        await CreateNoteAsync(store, "carol");
        var a2 = await CreateNoteAsync(store, "alice");

        var seen = await ReadAllAsync((page, ct) => store.ListNotesByAuthorsAsync(["alice", "bob"], page, ct), n => n.Id, 2);

        Assert.Equal([a2.Id, b.Id, a.Id], seen);
    }

    [SkippableFact]
    public async Task ListNotesByTagAsync_ReturnsNotesWithTheTag_NewestFirst()
    {
        var store = await StoreAsync();
        var t1 = await CreateNoteAsync(store, "alice", tags: ["travel", "food"]);
        await CreateNoteAsync(store, "alice", tags: ["food"]);
        var t2 = await CreateNoteAsync(store, "bob", tags: ["travel"]);

        var seen = await ReadAllAsync((page, ct) => store.ListNotesByTagAsync("travel", page, ct), n => n.Id, 1);

        Assert.Equal([t2.Id, t1.Id], seen);
        Assert.Empty(await store.ListNotesByTagAsync("unknown", new PageRequest(null, 10), CancellationToken.None));
    }

    [SkippableFact]
    public async Task ListNotesCreatedSinceAsync_ReturnsTheWindow_NewestFirst_Bounded()
    {
        var store = await StoreAsync();
        await CreateNoteAsync(store, "alice");
        Time.Advance(TimeSpan.FromHours(2));
        var since = Time.GetUtcNow();
        var n1 = await CreateNoteAsync(store, "alice");
        var n2 = await CreateNoteAsync(store, "alice");
        var n3 = await CreateNoteAsync(store, "alice");

        var window = await store.ListNotesCreatedSinceAsync(since, 2, CancellationToken.None);

        Assert.Equal([n3.Id, n2.Id], window.Select(n => n.Id));
        Assert.Equal(3, (await store.ListNotesCreatedSinceAsync(since, 10, CancellationToken.None)).Count);
        Assert.DoesNotContain(n1.Id, window.Select(n => n.Id));
    }

    [SkippableFact]
    public async Task LikeNoteAsync_Twice_SecondIsUnchangedAndWritesNoEvent()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");

        var first = await store.LikeNoteAsync(note.Id, "bob", FeedEvents.NoteLiked(note.Id, "bob", Time), CancellationToken.None);
        var second = await store.LikeNoteAsync(note.Id, "bob", FeedEvents.NoteLiked(note.Id, "bob", Time), CancellationToken.None);

        Assert.Equal(ToggleOutcome.Changed, first);
        Assert.Equal(ToggleOutcome.Unchanged, second);
        Assert.Equal(2, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
        Assert.Equal(new HashSet<string> { note.Id }, await store.GetLikedNoteIdsAsync("bob", [note.Id], CancellationToken.None));
    }

    [SkippableFact]
    public async Task UnlikeNoteAsync_LikedThenUnliked_RemovesTheLikeOnce()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        await store.LikeNoteAsync(note.Id, "bob", FeedEvents.NoteLiked(note.Id, "bob", Time), CancellationToken.None);

        var first = await store.UnlikeNoteAsync(note.Id, "bob", FeedEvents.NoteUnliked(note.Id, "bob", Time), CancellationToken.None);
        var second = await store.UnlikeNoteAsync(note.Id, "bob", FeedEvents.NoteUnliked(note.Id, "bob", Time), CancellationToken.None);

        Assert.Equal(ToggleOutcome.Changed, first);
        Assert.Equal(ToggleOutcome.Unchanged, second);
        Assert.Empty(await store.GetLikedNoteIdsAsync("bob", [note.Id], CancellationToken.None));
        Assert.Equal([FeedTopics.NoteCreatedType, FeedTopics.NoteLikedType, FeedTopics.NoteUnlikedType], (await store.GetUnsentAsync(100, CancellationToken.None)).Select(m => m.Type));
    }

    [SkippableFact]
    public async Task LikeNoteAsync_UnknownNote_ReturnsNoteNotFoundAndWritesNothing()
    {
        var store = await StoreAsync();
        var unknown = EntityIds.New(Time);

        Assert.Equal(ToggleOutcome.NoteNotFound, await store.LikeNoteAsync(unknown, "bob", FeedEvents.NoteLiked(unknown, "bob", Time), CancellationToken.None));
        Assert.Equal(ToggleOutcome.NoteNotFound, await store.UnlikeNoteAsync(unknown, "bob", FeedEvents.NoteUnliked(unknown, "bob", Time), CancellationToken.None));
        Assert.Empty(await store.GetUnsentAsync(100, CancellationToken.None));
        Assert.Empty(await store.GetLikedNoteIdsAsync("bob", [unknown], CancellationToken.None));
    }

    [SkippableFact]
    public async Task AddCommentAsync_ThenList_PagesNewestFirst()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        var comments = new List<Comment>();
        for (var i = 0; i < 5; i++)
        {
            comments.Add(await AddCommentAsync(store, note.Id, "bob"));
        }

        var seen = await ReadAllAsync((page, ct) => store.ListCommentsAsync(note.Id, page, ct), c => c.Id, 2);

        Assert.Equal(comments.Select(c => c.Id).Reverse(), seen);
        Assert.Equal(6, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task AddCommentAsync_UnknownNote_ReturnsFalseAndWritesNothing()
    {
        var store = await StoreAsync();
        var comment = new Comment(EntityIds.New(Time), EntityIds.New(Time), "bob", "hello", Time.GetUtcNow());

        Assert.False(await store.AddCommentAsync(comment, FeedEvents.NoteCommented(comment, Time), CancellationToken.None));
        Assert.Empty(await store.ListCommentsAsync(comment.NoteId, new PageRequest(null, 10), CancellationToken.None));
        Assert.Empty(await store.GetUnsentAsync(100, CancellationToken.None));
    }

    [SkippableFact]
    public async Task DeleteCommentAsync_ByAnotherUser_IsRefusedAndKeepsTheComment()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        var comment = await AddCommentAsync(store, note.Id, "bob");
        var before = (await store.GetUnsentAsync(100, CancellationToken.None)).Count;

        var outcome = await store.DeleteCommentAsync(note.Id, comment.Id, "mallory", FeedEvents.NoteCommentDeleted(note.Id, comment.Id, Time), CancellationToken.None);

        Assert.Equal(DeleteCommentOutcome.NotAuthor, outcome);
        Assert.Single(await store.ListCommentsAsync(note.Id, new PageRequest(null, 10), CancellationToken.None));
        Assert.Equal(before, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task DeleteCommentAsync_ByItsAuthor_DeletesOnceWithItsEvent()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        var comment = await AddCommentAsync(store, note.Id, "bob");

        var first = await store.DeleteCommentAsync(note.Id, comment.Id, "bob", FeedEvents.NoteCommentDeleted(note.Id, comment.Id, Time), CancellationToken.None);
        var second = await store.DeleteCommentAsync(note.Id, comment.Id, "bob", FeedEvents.NoteCommentDeleted(note.Id, comment.Id, Time), CancellationToken.None);

        Assert.Equal(DeleteCommentOutcome.Deleted, first);
        Assert.Equal(DeleteCommentOutcome.NotFound, second);
        Assert.Empty(await store.ListCommentsAsync(note.Id, new PageRequest(null, 10), CancellationToken.None));
        Assert.Equal(FeedTopics.NoteCommentDeletedType, (await store.GetUnsentAsync(100, CancellationToken.None))[^1].Type);
    }

    [SkippableFact]
    public async Task DeleteCommentAsync_CommentOfAnotherNote_IsNotFound()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        var other = await CreateNoteAsync(store, "alice");
        var comment = await AddCommentAsync(store, note.Id, "bob");

        Assert.Equal(DeleteCommentOutcome.NotFound, await store.DeleteCommentAsync(other.Id, comment.Id, "bob", FeedEvents.NoteCommentDeleted(other.Id, comment.Id, Time), CancellationToken.None));
        Assert.Single(await store.ListCommentsAsync(note.Id, new PageRequest(null, 10), CancellationToken.None));
    }

    [SkippableFact]
    public async Task FollowAsync_Twice_SecondIsFalse_AndListFollowingPagesMostRecentFirst()
    {
        var store = await StoreAsync();
        var follows = new List<Follow>();
        foreach (var author in new[] { "a1", "a2", "a3" })
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            var follow = new Follow(EntityIds.New(Time), "fan", author, DomainClock.Now(Time));
            Assert.True(await store.FollowAsync(follow, CancellationToken.None));
            follows.Add(follow);
        }

        Assert.False(await store.FollowAsync(new Follow(EntityIds.New(Time), "fan", "a1", DomainClock.Now(Time)), CancellationToken.None));
        var seen = await ReadAllAsync((page, ct) => store.ListFollowingAsync("fan", page, ct), f => f.Id, 2);

        Assert.Equal(["a3", "a2", "a1"], (await store.ListFollowingAsync("fan", new PageRequest(null, 10), CancellationToken.None)).Select(f => f.AuthorId));
        Assert.Equal(follows.Select(f => f.Id).Reverse(), seen);
    }

    [SkippableFact]
    public async Task UnfollowAsync_RemovesOnce()
    {
        var store = await StoreAsync();
        await store.FollowAsync(new Follow(EntityIds.New(Time), "fan", "a1", DomainClock.Now(Time)), CancellationToken.None);

        Assert.True(await store.UnfollowAsync("fan", "a1", CancellationToken.None));
        Assert.False(await store.UnfollowAsync("fan", "a1", CancellationToken.None));
        Assert.Empty(await store.ListFollowingAsync("fan", new PageRequest(null, 10), CancellationToken.None));
    }

    [SkippableFact]
    public async Task ApplyNoteCountersAsync_SameMessageTwice_AppliesOnce()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");

        Assert.True(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "m1", note.Id, 1, 0, CancellationToken.None));
        Assert.False(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "m1", note.Id, 1, 0, CancellationToken.None));
        Assert.True(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "m2", note.Id, 0, 1, CancellationToken.None));
        Assert.True(await store.ApplyNoteCountersAsync("another-group", "m1", note.Id, 1, 0, CancellationToken.None));

        var read = await store.GetNoteAsync(note.Id, CancellationToken.None);
        Assert.Equal(2, read!.LikeCount);
        Assert.Equal(1, read.CommentCount);
    }

    [SkippableFact]
    public async Task ApplyNoteCountersAsync_UnknownNote_RecordsTheMessageOnly()
    {
        var store = await StoreAsync();
        var unknown = EntityIds.New(Time);

        Assert.True(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "m1", unknown, 1, 0, CancellationToken.None));
        Assert.False(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "m1", unknown, 1, 0, CancellationToken.None));
        Assert.Null(await store.GetNoteAsync(unknown, CancellationToken.None));
    }

    [SkippableFact]
    public async Task PurgeProcessedMessagesAsync_DeletesOldRecords_SoOnlyNewerOnesStillDeduplicate()
    {
        var store = await StoreAsync();
        var note = await CreateNoteAsync(store, "alice");
        await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "old", note.Id, 1, 0, CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(8));
        await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "new", note.Id, 1, 0, CancellationToken.None);

        Assert.Equal(1, await store.PurgeProcessedMessagesAsync(Time.GetUtcNow().AddDays(-7), CancellationToken.None));

        Assert.False(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "new", note.Id, 1, 0, CancellationToken.None));
        Assert.True(await store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "old", note.Id, 1, 0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task ApplyProductSalesAsync_SameMessageTwice_AppliesOnce_AndSums()
    {
        var store = await StoreAsync();
        var p1 = EntityIds.New(Time);
        var p2 = EntityIds.New(Time);

        Assert.True(await store.ApplyProductSalesAsync(FeedTopics.SalesConsumerGroup, "o1", [new(p1, 3), new(p2, 1)], CancellationToken.None));
        Assert.False(await store.ApplyProductSalesAsync(FeedTopics.SalesConsumerGroup, "o1", [new(p1, 3), new(p2, 1)], CancellationToken.None));
        Assert.True(await store.ApplyProductSalesAsync(FeedTopics.SalesConsumerGroup, "o2", [new(p1, -1)], CancellationToken.None));

        var sales = (await store.GetProductSalesAsync([p1, p2, EntityIds.New(Time)], CancellationToken.None)).ToDictionary(s => s.ProductId, s => s.Sold);
        Assert.Equal(2, sales.Count);
        Assert.Equal(2, sales[p1]);
        Assert.Equal(1, sales[p2]);
    }

    [SkippableFact]
    public async Task SaveHotNotesAsync_ThenGet_ReturnsTheRankingInOrder()
    {
        var store = await StoreAsync();
        Assert.Null(await store.GetHotNotesAsync(CancellationToken.None));
        var snapshot = new HotNotesSnapshot(DomainClock.Now(Time), [new(EntityIds.New(Time), 3.5), new(EntityIds.New(Time), 1.25)]);

        await store.SaveHotNotesAsync(snapshot, CancellationToken.None);
        var read = await store.GetHotNotesAsync(CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(snapshot.ComputedAt, read.ComputedAt);
        Assert.Equal(snapshot.Entries, read.Entries);

        var empty = new HotNotesSnapshot(DomainClock.Now(Time).AddMinutes(1), []);
        await store.SaveHotNotesAsync(empty, CancellationToken.None);
        var replaced = await store.GetHotNotesAsync(CancellationToken.None);
        Assert.NotNull(replaced);
        Assert.Equal(empty.ComputedAt, replaced.ComputedAt);
        Assert.Empty(replaced.Entries);
    }

    [SkippableFact]
    public async Task OutboxStore_MarkSentThenPurge_RemovesOnlySentMessages()
    {
        var store = await StoreAsync();
        await CreateNoteAsync(store, "alice");
        await CreateNoteAsync(store, "alice");
        var unsent = await store.GetUnsentAsync(100, CancellationToken.None);

        await store.MarkSentAsync([unsent[0].Id], Time.GetUtcNow(), CancellationToken.None);
        Assert.Equal([unsent[1].Id], (await store.GetUnsentAsync(100, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(1, await store.PurgeSentAsync(Time.GetUtcNow().AddSeconds(1), CancellationToken.None));
        Assert.Single(await store.GetUnsentAsync(100, CancellationToken.None));
    }

    protected Note NewNote(string author, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? products = null)
    {
        Time.Advance(TimeSpan.FromMilliseconds(5));
        return new Note
        {
            Id = EntityIds.New(Time),
            AuthorId = author,
            Title = "Title " + Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Body = "Body",
            Tags = tags ?? [],
            ImageRefs = ["images/a.jpg", "https://cdn.example/b.png"],
            ProductIds = products ?? [],
            CreatedAt = DomainClock.Now(Time),
        };
    }

    private async Task<Note> CreateNoteAsync(IFeedStore store, string author, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? products = null)
    {
        var note = NewNote(author, tags, products);
        await store.CreateNoteAsync(note, FeedEvents.NoteCreated(note, Time), CancellationToken.None);
        return note;
    }

    private async Task<Comment> AddCommentAsync(IFeedStore store, string noteId, string author)
    {
        Time.Advance(TimeSpan.FromMilliseconds(5));
        var comment = new Comment(EntityIds.New(Time), noteId, author, "Nice!", DomainClock.Now(Time));
        Assert.True(await store.AddCommentAsync(comment, FeedEvents.NoteCommented(comment, Time), CancellationToken.None));
        return comment;
    }

    /// <summary>Follows the keyset pages to the end and returns the ids in the order they came.</summary>
    internal static async Task<List<string>> ReadAllAsync<T>(Func<PageRequest, CancellationToken, Task<IReadOnlyList<T>>> list, Func<T, string> idOf, int size)
    {
        var ids = new List<string>();
        string? after = null;
        for (var guard = 0; guard < 100; guard++)
        {
            var page = await list(new PageRequest(after, size), CancellationToken.None);
            ids.AddRange(page.Select(idOf));
            if (page.Count < size)
            {
                return ids;
            }

            after = idOf(page[^1]);
        }

        throw new InvalidOperationException("The listing did not end.");
    }
}
