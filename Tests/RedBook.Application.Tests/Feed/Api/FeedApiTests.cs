extern alias FeedApi;

using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Feed.Contracts.V1;
using RedBook.Feed.Core.Caching;
using static RedBook.Application.Tests.Support.GrpcAssert;
using CoreFeedService = RedBook.Feed.Core.FeedService;
using FeedErrorReasons = RedBook.Feed.Core.FeedErrorReasons;
using FeedOptions = RedBook.Feed.Core.FeedOptions;
using IFeedStore = RedBook.Feed.Core.IFeedStore;

namespace RedBook.Application.Tests.Feed.Api;

/// <summary>
/// The feed.v1 service in-process (its real Program with SQLite and the Redis fixture), called with the generated
/// client: every validation case answers INVALID_ARGUMENT with field violations and writes nothing, and the main flows.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class FeedApiTests : IDisposable
{
    private const string Invalid = FeedErrorReasons.InvalidArgument;
    private static readonly string s_unknownId = Guid.CreateVersion7().ToString("N");

    // The feed's own clock, so creation order (and so "newest first") is exact; the service defaults keep the real one.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly GrpcServiceHost<FeedApi::Program> _host;
    private readonly FeedService.FeedServiceClient _client;

    public FeedApiTests(RedisFixture redis)
    {
        _host = new GrpcServiceHost<FeedApi::Program>(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redis.Redis.ConnectionString,
                // The tests recompute the ranking themselves; a scheduled run in between would race them.
                ["RedBook:Jobs:hot-notes:Enabled"] = "false",
            },
            services => services.AddSingleton(sp => new CoreFeedService(
                sp.GetRequiredService<IFeedStore>(), sp.GetRequiredService<IFeedCache>(), sp.GetRequiredService<IOptionsMonitor<FeedOptions>>(), _time)));
        _client = new FeedService.FeedServiceClient(_host.CreateChannel());
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task CreateNote_EveryFieldInvalid_AnswersEveryViolation_AndWritesNothing()
    {
        var request = new CreateNoteRequest { AuthorId = "bad id", Title = " ", Body = new string('b', 5001) };
        request.Tags.Add("ok");
        request.Tags.Add("not ok");
        request.ImageRefs.Add("javascript:alert(1)");
        request.ProductIds.Add("SKU-1");

        await InvalidAsync(Invalid, () => _client.CreateNoteAsync(request).ResponseAsync, "author_id", "title", "body", "tags[1]", "image_refs[0]", "product_ids[0]");

        Assert.Empty((await _client.ListRecentNotesAsync(new ListRecentNotesRequest())).Notes);
    }

    [Fact]
    public async Task CreateNote_OversizedTitleTooManyTagsAndImages_AreViolations()
    {
        var request = new CreateNoteRequest { AuthorId = "alice", Title = new string('t', 101), Body = "b" };
        request.Tags.AddRange(Enumerable.Range(0, 11).Select(i => $"t{i}"));
        request.ImageRefs.AddRange(Enumerable.Range(0, 10).Select(i => $"img/{i}.jpg"));

        await InvalidAsync(Invalid, () => _client.CreateNoteAsync(request).ResponseAsync, "title", "tags", "image_refs");
    }

    [Fact]
    public async Task CreateNote_ThenGet_ReturnsTheNoteWithItsProductsSales()
    {
        var product = Guid.CreateVersion7().ToString("N");
        var created = await CreateAsync("alice", "#Travel", product);

        var read = await _client.GetNoteAsync(new GetNoteRequest { NoteId = created.Id });

        Assert.Equal(("alice", "Hello"), (read.AuthorId, read.Title));
        Assert.Equal(["travel"], read.Tags);
        Assert.Equal(product, Assert.Single(read.Products).ProductId);
        Assert.Equal(0, read.Products[0].Sold);
    }

    [Fact]
    public async Task GetNote_MalformedOrUnknownId_IsInvalidOrNotFound()
    {
        await InvalidAsync(Invalid, () => _client.GetNoteAsync(new GetNoteRequest { NoteId = "42" }).ResponseAsync, "note_id");
        await InvalidAsync(Invalid, () => _client.GetNoteAsync(new GetNoteRequest()).ResponseAsync, "note_id");
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.NoteNotFound, () => _client.GetNoteAsync(new GetNoteRequest { NoteId = s_unknownId }).ResponseAsync);
    }

    [Fact]
    public async Task ListNotesByAuthor_PagesWithTokens_NewestFirst()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateAsync("alice")).Id);
        }

        await CreateAsync("bob");
        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await _client.ListNotesByAuthorAsync(new ListNotesByAuthorRequest { AuthorId = "alice", PageSize = 2, PageToken = token });
            seen.AddRange(page.Notes.Select(n => n.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public async Task Listings_MalformedTokenOrPageSize_AreViolations()
    {
        await InvalidAsync(Invalid, () => _client.ListNotesByAuthorAsync(new ListNotesByAuthorRequest { AuthorId = "alice", PageToken = "garbage!" }).ResponseAsync, "page_token");
        await InvalidAsync(Invalid, () => _client.ListNotesByAuthorAsync(new ListNotesByAuthorRequest { AuthorId = "", PageSize = -1 }).ResponseAsync, "author_id", "page_size");
        await InvalidAsync(Invalid, () => _client.ListRecentNotesAsync(new ListRecentNotesRequest { PageSize = 101 }).ResponseAsync, "page_size");
        await InvalidAsync(Invalid, () => _client.ListNotesByTagAsync(new ListNotesByTagRequest { Tag = "a b" }).ResponseAsync, "tag");
        await InvalidAsync(Invalid, () => _client.GetTimelineAsync(new GetTimelineRequest { UserId = "x y" }).ResponseAsync, "user_id");
        await InvalidAsync(Invalid, () => _client.ListCommentsAsync(new ListCommentsRequest { NoteId = s_unknownId, PageToken = "AAAAAAAAAAAAAAAAAAAAAA" }).ResponseAsync, "page_token");
        await InvalidAsync(Invalid, () => _client.ListFollowingAsync(new ListFollowingRequest { UserId = "fan", PageSize = 1000 }).ResponseAsync, "page_size");
        var keysetToken = (await _client.ListRecentNotesAsync(new ListRecentNotesRequest { PageSize = 1 })).NextPageToken;
        await CreateAsync("alice");
        await CreateAsync("alice");
        keysetToken = (await _client.ListRecentNotesAsync(new ListRecentNotesRequest { PageSize = 1 })).NextPageToken;
        await InvalidAsync(Invalid, () => _client.ListHotNotesAsync(new ListHotNotesRequest { PageToken = keysetToken }).ResponseAsync, "page_token");
    }

    [Fact]
    public async Task ListNotesByTag_FindsTheTaggedNotes()
    {
        var tagged = await CreateAsync("alice", "food");
        await CreateAsync("alice", "travel");

        var page = await _client.ListNotesByTagAsync(new ListNotesByTagRequest { Tag = "#FOOD" });

        Assert.Equal([tagged.Id], page.Notes.Select(n => n.Id));
    }

    [Fact]
    public async Task LikeNote_IsIdempotentPerUser_AndLikeStatesShowIt()
    {
        var note = await CreateAsync("alice");

        Assert.True((await _client.LikeNoteAsync(new LikeNoteRequest { NoteId = note.Id, UserId = "bob" })).Changed);
        Assert.False((await _client.LikeNoteAsync(new LikeNoteRequest { NoteId = note.Id, UserId = "bob" })).Changed);
        var states = await _client.GetLikeStatesAsync(new GetLikeStatesRequest { UserId = "bob", NoteIds = { note.Id, s_unknownId } });
        Assert.Equal([note.Id], states.LikedNoteIds);
        Assert.True((await _client.UnlikeNoteAsync(new UnlikeNoteRequest { NoteId = note.Id, UserId = "bob" })).Changed);
        Assert.False((await _client.UnlikeNoteAsync(new UnlikeNoteRequest { NoteId = note.Id, UserId = "bob" })).Changed);
    }

    [Fact]
    public async Task LikeNote_UnknownNoteOrBadInput_IsNotFoundOrInvalid()
    {
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.NoteNotFound, () => _client.LikeNoteAsync(new LikeNoteRequest { NoteId = s_unknownId, UserId = "bob" }).ResponseAsync);
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.NoteNotFound, () => _client.UnlikeNoteAsync(new UnlikeNoteRequest { NoteId = s_unknownId, UserId = "bob" }).ResponseAsync);
        await InvalidAsync(Invalid, () => _client.LikeNoteAsync(new LikeNoteRequest { NoteId = "x", UserId = "" }).ResponseAsync, "note_id", "user_id");
        await InvalidAsync(Invalid, () => _client.GetLikeStatesAsync(new GetLikeStatesRequest { UserId = "bob" }).ResponseAsync, "note_ids");
        await InvalidAsync(Invalid, () => _client.GetLikeStatesAsync(new GetLikeStatesRequest { UserId = "bob", NoteIds = { Enumerable.Repeat(s_unknownId, 101) } }).ResponseAsync, "note_ids");
        await InvalidAsync(Invalid, () => _client.GetLikeStatesAsync(new GetLikeStatesRequest { UserId = "bob", NoteIds = { s_unknownId, "bad" } }).ResponseAsync, "note_ids[1]");
    }

    [Fact]
    public async Task Comments_AddListAndDeleteByTheAuthorOnly()
    {
        var note = await CreateAsync("alice");
        var first = await _client.AddCommentAsync(new AddCommentRequest { NoteId = note.Id, AuthorId = "bob", Body = "first" });
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await _client.AddCommentAsync(new AddCommentRequest { NoteId = note.Id, AuthorId = "carol", Body = "second" });

        var page = await _client.ListCommentsAsync(new ListCommentsRequest { NoteId = note.Id, PageSize = 1 });
        var rest = await _client.ListCommentsAsync(new ListCommentsRequest { NoteId = note.Id, PageSize = 1, PageToken = page.NextPageToken });
        Assert.Equal([second.Id, first.Id], page.Comments.Concat(rest.Comments).Select(c => c.Id));

        await FailsAsync(StatusCode.PermissionDenied, FeedErrorReasons.NotCommentAuthor,
            () => _client.DeleteCommentAsync(new DeleteCommentRequest { NoteId = note.Id, CommentId = first.Id, RequesterId = "alice" }).ResponseAsync);
        await _client.DeleteCommentAsync(new DeleteCommentRequest { NoteId = note.Id, CommentId = first.Id, RequesterId = "bob" });
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.CommentNotFound,
            () => _client.DeleteCommentAsync(new DeleteCommentRequest { NoteId = note.Id, CommentId = first.Id, RequesterId = "bob" }).ResponseAsync);
        Assert.Equal([second.Id], (await _client.ListCommentsAsync(new ListCommentsRequest { NoteId = note.Id })).Comments.Select(c => c.Id));
    }

    [Fact]
    public async Task Comments_InvalidOrUnknown_AreRefused()
    {
        var note = await CreateAsync("alice");

        await InvalidAsync(Invalid, () => _client.AddCommentAsync(new AddCommentRequest { NoteId = note.Id, AuthorId = "bob", Body = "" }).ResponseAsync, "body");
        await InvalidAsync(Invalid, () => _client.AddCommentAsync(new AddCommentRequest { NoteId = note.Id, AuthorId = "bob", Body = new string('c', 1001) }).ResponseAsync, "body");
        await InvalidAsync(Invalid, () => _client.DeleteCommentAsync(new DeleteCommentRequest { NoteId = note.Id, CommentId = "c", RequesterId = "" }).ResponseAsync, "comment_id", "requester_id");
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.NoteNotFound, () => _client.AddCommentAsync(new AddCommentRequest { NoteId = s_unknownId, AuthorId = "bob", Body = "hi" }).ResponseAsync);
        await FailsAsync(StatusCode.NotFound, FeedErrorReasons.NoteNotFound, () => _client.ListCommentsAsync(new ListCommentsRequest { NoteId = s_unknownId }).ResponseAsync);
        Assert.Empty((await _client.ListCommentsAsync(new ListCommentsRequest { NoteId = note.Id })).Comments);
    }

    [Fact]
    public async Task FollowAndTimeline_ShowFollowedAuthorsNewestFirst()
    {
        var a = await CreateAsync("alice");
        await CreateAsync("mallory");
        var b = await CreateAsync("bob");

        Assert.True((await _client.FollowAsync(new FollowRequest { FollowerId = "fan", AuthorId = "alice" })).Changed);
        Assert.False((await _client.FollowAsync(new FollowRequest { FollowerId = "fan", AuthorId = "alice" })).Changed);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _client.FollowAsync(new FollowRequest { FollowerId = "fan", AuthorId = "bob" });

        var timeline = await _client.GetTimelineAsync(new GetTimelineRequest { UserId = "fan" });
        var following = await _client.ListFollowingAsync(new ListFollowingRequest { UserId = "fan" });

        Assert.Equal([b.Id, a.Id], timeline.Notes.Select(n => n.Id));
        Assert.Equal(["bob", "alice"], following.Following.Select(f => f.AuthorId));
        Assert.True((await _client.UnfollowAsync(new UnfollowRequest { FollowerId = "fan", AuthorId = "bob" })).Changed);
        Assert.Equal([a.Id], (await _client.GetTimelineAsync(new GetTimelineRequest { UserId = "fan" })).Notes.Select(n => n.Id));
    }

    [Fact]
    public async Task Follow_Yourself_IsAViolation()
    {
        await InvalidAsync(Invalid, () => _client.FollowAsync(new FollowRequest { FollowerId = "alice", AuthorId = "alice" }).ResponseAsync, "author_id");
        await InvalidAsync(Invalid, () => _client.UnfollowAsync(new UnfollowRequest { FollowerId = "", AuthorId = "" }).ResponseAsync, "follower_id", "author_id");
    }

    [Fact]
    public async Task ListHotNotes_ServesTheRecomputedRanking()
    {
        Assert.Empty((await _client.ListHotNotesAsync(new ListHotNotesRequest())).Notes);
        var first = await CreateAsync("alice");
        var second = await CreateAsync("bob");
        var feed = _host.Services.GetRequiredService<CoreFeedService>();

        await feed.RecomputeHotNotesAsync(CancellationToken.None);
        var page = await _client.ListHotNotesAsync(new ListHotNotesRequest { PageSize = 1 });
        var next = await _client.ListHotNotesAsync(new ListHotNotesRequest { PageSize = 1, PageToken = page.NextPageToken });

        Assert.Equal([(second.Id, 1)], page.Notes.Select(h => (h.Note.Id, h.Rank)));
        Assert.Equal([(first.Id, 2)], next.Notes.Select(h => (h.Note.Id, h.Rank)));
        Assert.NotNull(page.ComputedAt);
        Assert.Empty(next.NextPageToken);
    }

    private async Task<Note> CreateAsync(string author, string? tag = null, string? product = null)
    {
        var request = new CreateNoteRequest { AuthorId = author, Title = "Hello", Body = "World" };
        if (tag is not null)
        {
            request.Tags.Add(tag);
        }

        if (product is not null)
        {
            request.ProductIds.Add(product);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        return await _client.CreateNoteAsync(request);
    }
}
