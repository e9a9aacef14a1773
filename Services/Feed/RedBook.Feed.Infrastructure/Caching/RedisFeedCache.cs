using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using RedBook.Feed.Core.Caching;
using StackExchange.Redis;

namespace RedBook.Feed.Infrastructure.Caching;

/// <summary>
/// <see cref="IFeedCache"/> on Redis. A miss loads from the store and writes back with <c>SET key value EX ttl NX</c>:
/// only when the key is still absent, so a reader that loaded before a write cannot overwrite a value another reader
/// stored after it. A null result is stored as the JSON literal <c>null</c> with the shorter null TTL. Writers
/// delete the key (<c>DEL</c>) after their commit. When Redis fails, reads fall back to the store and the failure
/// is logged; the service keeps answering.
/// </summary>
public sealed partial class RedisFeedCache(IConnectionMultiplexer redis, ILogger<RedisFeedCache> logger) : IFeedCache
{
    private const string NullValue = "null";

    /// <inheritdoc />
    public async Task<T?> GetOrLoadAsync<T>(string key, JsonTypeInfo<T> typeInfo, TimeSpan ttl, TimeSpan nullTtl, Func<CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(load);
        var database = redis.GetDatabase();
        var cached = RedisValue.Null;
        try
        {
            cached = await database.StringGetAsync(key).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogCacheFailure(logger, ex, "GET", key);
        }

        if (cached.HasValue)
        {
            var text = cached.ToString();
            return text == NullValue ? null : JsonSerializer.Deserialize(text, typeInfo);
        }

        var value = await load(cancellationToken).ConfigureAwait(false);
        try
        {
            var (payload, expiry) = value is null ? (NullValue, nullTtl) : (JsonSerializer.Serialize(value, typeInfo), ttl);
            await database.StringSetAsync(key, payload, Clamp(expiry), When.NotExists).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogCacheFailure(logger, ex, "SET NX", key);
        }

        return value;
    }

    /// <inheritdoc />
    public async Task InvalidateAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(key).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // The write has committed; the stale entry expires with its TTL.
            LogCacheFailure(logger, ex, "DEL", key);
        }
    }

    // Redis takes whole milliseconds; a TTL of zero or less would be an error, one over a day is a configuration slip.
    private static TimeSpan Clamp(TimeSpan ttl) =>
        ttl < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : ttl > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : ttl;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Operation} of {Key} failed; the feed reads the store instead.")]
    private static partial void LogCacheFailure(ILogger logger, Exception exception, string operation, string key);
}
