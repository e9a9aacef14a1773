using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Domain.Paging;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Infrastructure.Sqlite;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Application.Tests.Feed.Core;

/// <summary>The feed's use cases on a SQLite store, the clock driven by hand.</summary>
public sealed class FeedServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteFeedStore _store;
    private readonly FeedService _feed;

    public FeedServiceTests()
    {
        _store = new SqliteFeedStore(_file.ConnectionString, _time);
        _feed = new FeedService(_store, new PassThroughFeedCache(), new StaticOptionsMonitor<FeedOptions>(new FeedOptions { HotNotesSize = 3 }), _time);
    }

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task CreateNoteAsync_StoresTheDraft_AtTheClocksTime_WithZeroSalesForTaggedProducts()
    {
        var product = Guid.CreateVersion7().ToString("N");

        var view = await CreateAsync("alice", products: [product]);

        Assert.Equal(_time.GetUtcNow(), view.Note.CreatedAt);
        Assert.Equal([new ProductSales(product, 0)], view.ProductSales);
        var read = (await _feed.GetNoteAsync(view.Note.Id, CancellationToken.None)).Note;
        Assert.Equal((view.Note.Id, view.Note.AuthorId, view.Note.Title, view.Note.CreatedAt), (read.Id, read.AuthorId, read.Title, read.CreatedAt));
        Assert.Equal(["tag"], read.Tags);
        Assert.Equal([product], read.ProductIds);
    }

    [Fact]
    public async Task GetNoteAsync_UnknownNote_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RedBookException>(() => _feed.GetNoteAsync(Guid.CreateVersion7().ToString("N"), CancellationToken.None));

        Assert.Equal((ErrorCode.NotFound, FeedErrorReasons.NoteNotFound), (error.Error.Code, error.Error.Reason));
    }

    [Fact]
    public async Task ListTimelineAsync_ShowsOnlyFollowedAuthors_NewestFirst_InPages()
    {
        var a1 = await CreateAsync("alice");
        await CreateAsync("mallory");
        var b1 = await CreateAsync("bob");
        var a2 = await CreateAsync("alice");
        Assert.True(await _feed.FollowAsync("fan", "alice", CancellationToken.None));
        Assert.False(await _feed.FollowAsync("fan", "alice", CancellationToken.None));
        await _feed.FollowAsync("fan", "bob", CancellationToken.None);

        var first = await _feed.ListTimelineAsync("fan", new PageRequest(null, 2), CancellationToken.None);
        var second = await _feed.ListTimelineAsync("fan", new PageRequest(PageTokenToId(first.NextPageToken), 2), CancellationToken.None);

        Assert.Equal([a2.Note.Id, b1.Note.Id], first.Items.Select(v => v.Note.Id));
        Assert.Equal([a1.Note.Id], second.Items.Select(v => v.Note.Id));
        Assert.Null(second.NextPageToken);
        Assert.Empty((await _feed.ListTimelineAsync("nobody", PageRequest.First, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task RecomputeHotNotesAsync_RanksByEngagementAndAge_AndListHotNotesPages()
    {
        var old = await CreateAsync("alice");
        _time.Advance(TimeSpan.FromHours(30));
        var liked = await CreateAsync("bob");
        var plain = await CreateAsync("carol");
        var fresh = await CreateAsync("dave");
        for (var i = 0; i < 5; i++)
        {
            await _feed.ApplyNoteEventAsync($"like-{i}", FeedTopics.NoteLikedType, FeedEvents.NoteLiked(liked.Note.Id, $"u{i}", _time).Payload, CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        var snapshot = await _feed.RecomputeHotNotesAsync(CancellationToken.None);
        var (page1, next, computedAt) = await _feed.ListHotNotesAsync(0, 2, CancellationToken.None);
        var (page2, last, _) = await _feed.ListHotNotesAsync(2, 2, CancellationToken.None);

        Assert.Equal([liked.Note.Id, fresh.Note.Id, plain.Note.Id], snapshot.Entries.Select(e => e.NoteId));
        Assert.DoesNotContain(old.Note.Id, snapshot.Entries.Select(e => e.NoteId));
        Assert.Equal(_time.GetUtcNow(), computedAt);
        Assert.Equal([(liked.Note.Id, 1), (fresh.Note.Id, 2)], page1.Select(h => (h.View.Note.Id, h.Rank)));
        Assert.Equal(5, page1[0].View.Note.LikeCount);
        Assert.NotNull(next);
        Assert.Equal([plain.Note.Id], page2.Select(h => h.View.Note.Id));
        Assert.Null(last);
    }

    [Fact]
    public async Task ListHotNotesAsync_BeforeTheFirstComputation_IsEmpty()
    {
        var (items, next, computedAt) = await _feed.ListHotNotesAsync(0, 10, CancellationToken.None);

        Assert.Empty(items);
        Assert.Null(next);
        Assert.Null(computedAt);
    }

    [Fact]
    public async Task LikeNoteAsync_IsIdempotentPerUser_AndCountsComeFromTheEvents()
    {
        var note = await CreateAsync("alice");

        Assert.True(await _feed.LikeNoteAsync(note.Note.Id, "bob", CancellationToken.None));
        Assert.False(await _feed.LikeNoteAsync(note.Note.Id, "bob", CancellationToken.None));
        Assert.True(await _feed.LikeNoteAsync(note.Note.Id, "carol", CancellationToken.None));
        Assert.True(await _feed.UnlikeNoteAsync(note.Note.Id, "carol", CancellationToken.None));
        Assert.False(await _feed.UnlikeNoteAsync(note.Note.Id, "carol", CancellationToken.None));

        // The feed-counters consumer applies what the outbox holds; a redelivery of the first message changes nothing.
        var events = (await _store.GetUnsentAsync(100, CancellationToken.None)).Where(m => m.Type != FeedTopics.NoteCreatedType).ToList();
        foreach (var message in events.Append(events[0]))
        {
            await _feed.ApplyNoteEventAsync(message.Id, message.Type, message.Payload, CancellationToken.None);
        }

        Assert.Equal(1, (await _feed.GetNoteAsync(note.Note.Id, CancellationToken.None)).Note.LikeCount);
    }

    [Fact]
    public async Task LikeNoteAsync_UnknownNote_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RedBookException>(() => _feed.LikeNoteAsync(Guid.CreateVersion7().ToString("N"), "bob", CancellationToken.None));

        Assert.Equal(FeedErrorReasons.NoteNotFound, error.Error.Reason);
    }

    [Fact]
    public async Task DeleteCommentAsync_OnlyByItsAuthor()
    {
        var note = await CreateAsync("alice");
        var comment = await _feed.AddCommentAsync(note.Note.Id, "bob", "Great!", CancellationToken.None);

        var denied = await Assert.ThrowsAsync<RedBookException>(() => _feed.DeleteCommentAsync(note.Note.Id, comment.Id, "alice", CancellationToken.None));
        await _feed.DeleteCommentAsync(note.Note.Id, comment.Id, "bob", CancellationToken.None);
        var gone = await Assert.ThrowsAsync<RedBookException>(() => _feed.DeleteCommentAsync(note.Note.Id, comment.Id, "bob", CancellationToken.None));
        var noNote = await Assert.ThrowsAsync<RedBookException>(() => _feed.DeleteCommentAsync(Guid.CreateVersion7().ToString("N"), comment.Id, "bob", CancellationToken.None));

        Assert.Equal((ErrorCode.PermissionDenied, FeedErrorReasons.NotCommentAuthor), (denied.Error.Code, denied.Error.Reason));
        Assert.Equal(FeedErrorReasons.CommentNotFound, gone.Error.Reason);
        Assert.Equal(FeedErrorReasons.NoteNotFound, noNote.Error.Reason);
    }

//#if (IncludeMall)
    [Fact]
    public async Task ApplyMallOrderEventAsync_PlacedThenCancelled_ShowsNetSalesOnTheNote_OncePerMessage()
    {
        var product = Guid.CreateVersion7().ToString("N");
        var note = await CreateAsync("alice", products: [product]);
        var placed = $$"""{"orderId":"o1","userId":"u","items":[{"productId":"{{product}}","quantity":3,"unitPrice":990}],"total":2970,"placedAt":"2026-03-01T08:00:00Z"}""";
        var cancelled = $$"""{"orderId":"o2","items":[{"productId":"{{product}}","quantity":1}],"cancelledAt":"2026-03-01T08:05:00Z"}""";

        Assert.True(await _feed.ApplyMallOrderEventAsync("m1", "order.placed", placed, CancellationToken.None));
        Assert.False(await _feed.ApplyMallOrderEventAsync("m1", "order.placed", placed, CancellationToken.None));
        Assert.True(await _feed.ApplyMallOrderEventAsync("m2", "order.cancelled", cancelled, CancellationToken.None));
        Assert.False(await _feed.ApplyMallOrderEventAsync("m3", "order.paid", """{"orderId":"o1","paidAt":"2026-03-01T08:01:00Z"}""", CancellationToken.None));

        Assert.Equal([new ProductSales(product, 2)], (await _feed.GetNoteAsync(note.Note.Id, CancellationToken.None)).ProductSales);
    }
//#endif

    private async Task<NoteView> CreateAsync(string author, IReadOnlyList<string>? products = null)
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return await _feed.CreateNoteAsync(author, new NoteDraft("Title", "Body", ["tag"], [], products ?? []), CancellationToken.None);
    }

    private static string? PageTokenToId(string? token)
    {
        var violations = new List<RedBook.Domain.Validation.FieldViolation>();
        return PageToken.ParseKeyset(token, 2, violations).After;
    }
}
