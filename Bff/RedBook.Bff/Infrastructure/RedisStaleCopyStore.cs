using System.Text.Json;
using RedBook.Bff.Core.Degrade;
using StackExchange.Redis;

namespace RedBook.Bff.Infrastructure;

/// <summary>
/// The shared last good copies in Redis (the BFF's <c>ConnectionStrings:redis</c>): one string per part and key,
/// <c>redbook:bff:copy:{cache}:{key}</c>, JSON, expiring with the cache's stale TTL. Saves are fire-and-forget (a
/// request never waits for them); a read waits at most <see cref="ReadTimeout"/>, and a failed or late read is no
/// copy: Redis being down must not make a degraded screen slower or fail it.
/// </summary>
public sealed partial class RedisStaleCopyStore(IConnectionMultiplexer redis, ILogger<RedisStaleCopyStore> logger) : IStaleCopyStore
{
    /// <summary>The prefix of the copies' keys.</summary>
    public const string KeyPrefix = "redbook:bff:copy:";

    /// <summary>The longest a read of a copy may take.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromMilliseconds(200);

    public void Save<T>(string cache, string key, T value, TimeSpan timeToLive)
        where T : class
    {
        if (timeToLive <= TimeSpan.Zero || !redis.IsConnected)
        {
            return;
        }

        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);
            redis.GetDatabase().StringSet(KeyPrefix + cache + ":" + key, json, timeToLive, flags: CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            LogSaveFailed(logger, cache, ex.Message);
        }
    }

    public async Task<T?> GetAsync<T>(string cache, string key, CancellationToken cancellationToken)
        where T : class
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            var value = await redis.GetDatabase().StringGetAsync(KeyPrefix + cache + ":" + key).WaitAsync(ReadTimeout, cancellationToken).ConfigureAwait(false);
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<T>((byte[])value!, JsonSerializerOptions.Web);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            LogReadFailed(logger, cache, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Could not save the shared copy of {Cache}: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string cache, string reason);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Could not read the shared copy of {Cache}: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string cache, string reason);
}
