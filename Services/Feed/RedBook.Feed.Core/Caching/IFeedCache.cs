using System.Text.Json.Serialization.Metadata;

namespace RedBook.Feed.Core.Caching;

/// <summary>
/// Cache-aside for the feed's hot reads. A read that misses loads from the store and repopulates the key only if it
/// is still absent (SET NX), so a slow reader holding an old value cannot overwrite what a newer reader stored after
/// a write; a null result is cached too, for a shorter time, so reads of ids that do not exist stop reaching the
/// store (cache penetration). Writers delete the key after their transaction commits.
/// </summary>
public interface IFeedCache
{
    /// <summary>
    /// The cached value of <paramref name="key"/>, or the result of <paramref name="load"/> stored for
    /// <paramref name="ttl"/> (<paramref name="nullTtl"/> when it is null) if the key is still absent.
    /// </summary>
    Task<T?> GetOrLoadAsync<T>(string key, JsonTypeInfo<T> typeInfo, TimeSpan ttl, TimeSpan nullTtl, Func<CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
        where T : class;

    /// <summary>Deletes <paramref name="key"/> (after a write that changed what it caches).</summary>
    Task InvalidateAsync(string key, CancellationToken cancellationToken);
}

/// <summary>The keys of the feed's cache.</summary>
public static class FeedCacheKeys
{
    /// <summary>The served hot-notes ranking.</summary>
    public const string HotNotes = "feed:hot-notes";

    /// <summary>A note by id.</summary>
    public static string Note(string noteId) => "feed:note:" + noteId;
}

/// <summary>No cache: every read goes to the store (the feed runs this way when no Redis is configured).</summary>
public sealed class PassThroughFeedCache : IFeedCache
{
    /// <inheritdoc />
    public Task<T?> GetOrLoadAsync<T>(string key, JsonTypeInfo<T> typeInfo, TimeSpan ttl, TimeSpan nullTtl, Func<CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        return load(cancellationToken);
    }

    /// <inheritdoc />
    public Task InvalidateAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;
}
