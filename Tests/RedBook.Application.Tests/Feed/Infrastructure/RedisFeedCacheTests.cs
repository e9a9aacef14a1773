using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Infrastructure.Caching;
using RedBook.Feed.Infrastructure.Sqlite;
using StackExchange.Redis;

namespace RedBook.Application.Tests.Feed.Infrastructure;

/// <summary>Cache-aside on a real redis-server: SET NX on the read path, null caching, delete on write, Redis failures.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFeedCacheTests(RedisFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly string _prefix = $"test:{Guid.NewGuid():N}:";
    private ConnectionMultiplexer? _redis;

    private ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _redis?.Dispose();

    [Fact]
    public async Task GetOrLoadAsync_Miss_LoadsOnceAndStoresWithTheTtl()
    {
        var cache = new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance);
        var loads = 0;

        var first = await cache.GetOrLoadAsync(_prefix + "note", FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => { loads++; return Task.FromResult<Note?>(Note("n1", 1)); }, CancellationToken.None);
        var second = await cache.GetOrLoadAsync(_prefix + "note", FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => { loads++; return Task.FromResult<Note?>(Note("n1", 2)); }, CancellationToken.None);

        Assert.Equal(1, loads);
        Assert.Equal(1, first!.LikeCount);
        Assert.Equal(1, second!.LikeCount);
        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync(_prefix + "note");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task GetOrLoadAsync_NullResult_IsCachedWithTheShortTtl()
    {
        var cache = new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance);
        var loads = 0;

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await cache.GetOrLoadAsync(_prefix + "missing", FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => { loads++; return Task.FromResult<Note?>(null); }, CancellationToken.None));
        }

        Assert.Equal(1, loads);
        Assert.Equal("null", (string?)await Redis.GetDatabase().StringGetAsync(_prefix + "missing"));
        Assert.InRange((await Redis.GetDatabase().KeyTimeToLiveAsync(_prefix + "missing"))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task GetOrLoadAsync_AStaleReaderFinishingLate_DoesNotOverwriteAFresherValue()
    {
        var cache = new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance);
        var key = _prefix + "race";
        var staleLoadStarted = new TaskCompletionSource();
        var releaseStale = new TaskCompletionSource();

        // Reader A misses and reads the store before a write (like count 1), then stalls.
        var staleReader = cache.GetOrLoadAsync(key, FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), async _ =>
        {
            staleLoadStarted.SetResult();
            await releaseStale.Task;
            return Note("n1", 1);
        }, CancellationToken.None);
        await staleLoadStarted.Task;

        // The write commits (like count 2) and deletes the key; reader B misses and stores the fresh value.
        await cache.InvalidateAsync(key, CancellationToken.None);
        var fresh = await cache.GetOrLoadAsync(key, FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => Task.FromResult<Note?>(Note("n1", 2)), CancellationToken.None);
        releaseStale.SetResult();
        await staleReader;

        Assert.Equal(2, fresh!.LikeCount);
        var cached = await cache.GetOrLoadAsync(key, FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => Task.FromResult<Note?>(Note("n1", 99)), CancellationToken.None);
        Assert.Equal(2, cached!.LikeCount);
    }

    [Fact]
    public async Task InvalidateAsync_DeletesTheKey_SoTheNextReadLoads()
    {
        var cache = new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance);
        var key = _prefix + "inv";
        await cache.GetOrLoadAsync(key, FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => Task.FromResult<Note?>(Note("n1", 1)), CancellationToken.None);

        await cache.InvalidateAsync(key, CancellationToken.None);
        var reloaded = await cache.GetOrLoadAsync(key, FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => Task.FromResult<Note?>(Note("n1", 3)), CancellationToken.None);

        Assert.Equal(3, reloaded!.LikeCount);
    }

    [Fact]
    public async Task GetOrLoadAsync_RedisUnreachable_ServesFromTheStore()
    {
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.SyncTimeout = 200;
        options.AsyncTimeout = 200;
        using var down = await ConnectionMultiplexer.ConnectAsync(options);
        var cache = new RedisFeedCache(down, NullLogger<RedisFeedCache>.Instance);

        var note = await cache.GetOrLoadAsync(_prefix + "down", FeedJsonContext.Default.Note, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), _ => Task.FromResult<Note?>(Note("n1", 4)), CancellationToken.None);
        await cache.InvalidateAsync(_prefix + "down", CancellationToken.None);

        Assert.Equal(4, note!.LikeCount);
    }

    [Fact]
    public async Task FeedService_GetNoteThenCounterEvent_ServesTheCachedNoteUntilTheEventDeletesIt()
    {
        using var file = new TempSqliteFile();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var store = new SqliteFeedStore(file.ConnectionString, time);
        await store.InitializeAsync(CancellationToken.None);
        var feed = new FeedService(store, new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance), new StaticOptionsMonitor<FeedOptions>(new FeedOptions()), time);
        var view = await feed.CreateNoteAsync("alice", new NoteDraft("T", "B", [], [], []), CancellationToken.None);
        var key = FeedCacheKeys.Note(view.Note.Id);
        await feed.GetNoteAsync(view.Note.Id, CancellationToken.None);
        Assert.True(await Redis.GetDatabase().KeyExistsAsync(key));

        // A change behind the cache's back stays invisible until a write path deletes the key.
        await store.ApplyNoteCountersAsync("manual", "m0", view.Note.Id, 5, 0, CancellationToken.None);
        Assert.Equal(0, (await feed.GetNoteAsync(view.Note.Id, CancellationToken.None)).Note.LikeCount);
        await feed.ApplyNoteEventAsync("m1", FeedTopics.NoteLikedType, FeedEvents.NoteLiked(view.Note.Id, "bob", time).Payload, CancellationToken.None);

        Assert.False(await Redis.GetDatabase().KeyExistsAsync(key));
        Assert.Equal(6, (await feed.GetNoteAsync(view.Note.Id, CancellationToken.None)).Note.LikeCount);
    }

    [Fact]
    public async Task FeedService_UnknownNote_IsCachedAsNull_AndCreatingItDeletesTheMarker()
    {
        using var file = new TempSqliteFile();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var store = new SqliteFeedStore(file.ConnectionString, time);
        await store.InitializeAsync(CancellationToken.None);
        var feed = new FeedService(store, new RedisFeedCache(Redis, NullLogger<RedisFeedCache>.Instance), new StaticOptionsMonitor<FeedOptions>(new FeedOptions()), time);
        var unknown = Guid.CreateVersion7().ToString("N");

        await Assert.ThrowsAsync<RedBook.ServiceDefaults.Errors.RedBookException>(() => feed.GetNoteAsync(unknown, CancellationToken.None));

        Assert.Equal("null", (string?)await Redis.GetDatabase().StringGetAsync(FeedCacheKeys.Note(unknown)));
    }

    private static Note Note(string id, long likes) => new()
    {
        Id = id,
        AuthorId = "alice",
        Title = "T",
        Body = "B",
        Tags = ["t"],
        ImageRefs = [],
        ProductIds = [],
        CreatedAt = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero),
        LikeCount = likes,
    };
}
