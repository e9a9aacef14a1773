using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.Bff.Core;
using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;
//#if (IncludeMall)
using RedBook.Bff.Core.Mall;
//#endif
using RedBook.Bff.Core.Validation;
using RedBook.Bff.Tests.Core.Degrade;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Tests.Core.Composition;

public sealed class HomeComposerTests
{
    private static readonly NoteView s_note = new("n1", "author", "Title", "Body", [], [], [], DateTimeOffset.UnixEpoch, 0, 0);
    private static readonly NoteView s_hot = s_note with { Id = "hot" };
//#if (IncludeMall)
    private static readonly ProductView s_product = new("p1", "Lipstick", "Red", new Money("CNY", 12900), 5, 1);
//#endif

    private readonly FakeTimeProvider _time = new();
    private readonly BffOptions _options = new();
    private readonly FakeFeed _feed = new();
//#if (IncludeMall)
    private readonly FakeMall _mall = new();
//#endif

    private HomeComposer Create()
    {
        var degrade = new DegradeOptions { FreshTtl = TimeSpan.Zero };
        var runner = new PartRunner(new Monitor<BffOptions>(_options), _time);
        PartCache<T> Part<T>(string name, BffDependency dependency)
            where T : class => new(dependency, new DegradeCache<string, T>(name, degrade, timeProvider: _time), new NoStaleCopyStore(), runner, new Monitor<DegradeOptions>(degrade), NullLogger<PartCache<T>>.Instance);
        var feedParts = new FeedParts(
            Part<NotePage>("t", BffDependency.Feed), Part<NotePage>("p", BffDependency.Feed), Part<NoteView>("n", BffDependency.Feed), Part<CommentPage>("c", BffDependency.Feed),
            Part<NotePage>("a", BffDependency.Feed), Part<FollowingPage>("f", BffDependency.Feed), Part<NotePage>("e", BffDependency.Feed));
        return new HomeComposer(
            _feed,
            feedParts,
//#if (IncludeMall)
            _mall,
            new MallParts(Part<ProductPage>("cat", BffDependency.Mall), Part<ProductList>("tag", BffDependency.Mall)),
            new Monitor<BffOptions>(_options),
//#endif
            runner);
    }

    private static RedBookException Down() => new RedBookException(new RedBookError(ErrorCode.Unavailable, "REDBOOK_OVERLOADED", "down")) { FromDependency = true };

    [Fact]
    public async Task ComposeAsync_AllAnswer_ServesTimelineProductsAndLikes()
    {
        var screen = await Create().ComposeAsync("u", 20, HomeCursor.Start, CancellationToken.None);

        Assert.Equal("timeline", screen.NotesSource);
        Assert.True(Assert.Single(screen.Notes).LikedByMe);
//#if (IncludeMall)
        Assert.Equal(s_product, Assert.Single(screen.Products));
//#endif
        Assert.Empty(screen.Degraded);
    }

    [Fact]
    public async Task ComposeAsync_TimelineDownWithNoCopy_ServesPopularNotesMarkedDegraded()
    {
        _feed.Timeline = () => throw Down();

        var screen = await Create().ComposeAsync("u", 20, HomeCursor.Start, CancellationToken.None);

        Assert.Equal("popular", screen.NotesSource);
        Assert.Equal("hot", Assert.Single(screen.Notes).Note.Id);
        Assert.Equal(["notes"], screen.Degraded);
    }

    [Fact]
    public async Task ComposeAsync_EmptyTimelineAndRanking_ServesNewestNotesWhole()
    {
        _feed.Timeline = () => new NotePage([], string.Empty);
        _feed.Hot = () => new NotePage([], string.Empty);

        var screen = await Create().ComposeAsync("u", 20, HomeCursor.Start, CancellationToken.None);

        Assert.Equal("recent", screen.NotesSource);
        Assert.Single(screen.Notes);
        Assert.Empty(screen.Degraded);
    }

//#if (IncludeMall)
    [Fact]
    public async Task ComposeAsync_MallAndLikesDown_ServesNotesWithThosePartsDegraded()
    {
        _mall.Products = () => throw Down();
        _feed.Likes = () => throw Down();

        var screen = await Create().ComposeAsync("u", 20, HomeCursor.Start, CancellationToken.None);

        Assert.Equal("n1", Assert.Single(screen.Notes).Note.Id);
        Assert.Null(screen.Notes[0].LikedByMe);
        Assert.Empty(screen.Products);
        Assert.Equal(["likes", "products"], screen.Degraded);
    }
//#endif

    [Fact]
    public async Task ComposeAsync_EverythingDown_StillAnswersAnEmptyDegradedScreen()
    {
        _feed.Timeline = _feed.Hot = _feed.Recent = () => throw Down();
//#if (IncludeMall)
        _mall.Products = () => throw Down();
//#endif

        var screen = await Create().ComposeAsync("u", 20, HomeCursor.Start, CancellationToken.None);

        Assert.Empty(screen.Notes);
        Assert.Contains("notes", screen.Degraded);
//#if (IncludeMall)
        Assert.Equal(["notes", "products"], screen.Degraded);
//#endif
    }

    private sealed class FakeFeed : IFeedGateway
    {
        public Func<NotePage> Timeline { get; set; } = () => new NotePage([s_note], string.Empty);

        public Func<NotePage> Hot { get; set; } = () => new NotePage([s_hot], string.Empty);

        public Func<NotePage> Recent { get; set; } = () => new NotePage([s_note], string.Empty);

        public Func<IReadOnlySet<string>> Likes { get; set; } = () => new HashSet<string>(["n1"]);

        public Task<NotePage> GetTimelineAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken) => Task.FromResult(Timeline());

        public Task<NotePage> ListHotNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken) => Task.FromResult(Hot());

        public Task<NotePage> ListRecentNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken) => Task.FromResult(Recent());

        public Task<IReadOnlySet<string>> GetLikeStatesAsync(string userId, IReadOnlyList<string> noteIds, CancellationToken cancellationToken) => Task.FromResult(Likes());

        public Task<NotePage> ListNotesByTagAsync(string tag, int pageSize, string pageToken, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<NotePage> ListNotesByAuthorAsync(string authorId, int pageSize, string pageToken, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<NoteView> GetNoteAsync(string noteId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<CommentPage> ListCommentsAsync(string noteId, int pageSize, string pageToken, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<FollowingPage> ListFollowingAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<NoteView> CreateNoteAsync(string authorId, NewNote note, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<bool> LikeAsync(string noteId, string userId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<bool> UnlikeAsync(string noteId, string userId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<CommentView> AddCommentAsync(string noteId, string authorId, string body, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task DeleteCommentAsync(string noteId, string commentId, string requesterId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<bool> FollowAsync(string followerId, string authorId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");
    }

//#if (IncludeMall)
    private sealed class FakeMall : IMallGateway
    {
        public Func<ProductPage> Products { get; set; } = () => new ProductPage([s_product], string.Empty);

        public Task<ProductPage> ListProductsAsync(int pageSize, string pageToken, CancellationToken cancellationToken) => Task.FromResult(Products());

        public Task<ProductView> GetProductAsync(string productId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<IReadOnlyList<ProductView>> BatchGetProductsAsync(IReadOnlyList<string> productIds, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<PlacedOrder> PlaceOrderAsync(string userId, string idempotencyKey, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<OrderView> GetOrderAsync(string userId, string orderId, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<OrderPage> ListOrdersAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<OrderView> PayOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");

        public Task<OrderView> CancelOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken) => throw new InvalidOperationException("not on the home screen");
    }
//#endif
}
