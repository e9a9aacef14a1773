using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Redis.Quota;

/// <summary>
/// Options of <see cref="RedisQuotaStore"/>, bound from <c>RedBook:Quota:Redis</c> and read once, when the store is
/// created. The per-resource options (capacity, algorithm, lease length, refresh interval) stay in
/// <see cref="ServiceDefaults.Quota.QuotaOptions"/>, shared with the in-process store.
/// </summary>
public sealed class RedisQuotaStoreOptions
{
    /// <summary>The configuration section: <c>RedBook:Quota:Redis</c> (so no quota resource may be named <c>Redis</c>).</summary>
    public const string SectionName = "RedBook:Quota:Redis";

    /// <summary>The connection name: the key of a keyed <c>IConnectionMultiplexer</c>, and of <c>ConnectionStrings:{name}</c> when no multiplexer is registered.</summary>
    /// <value><c>redis</c>, the AppHost's Redis resource.</value>
    [Required]
    [MinLength(1)]
    public string ConnectionName { get; set; } = RedisQuotaConstants.DefaultConnectionName;

    /// <summary>The prefix of the keys: a resource's leases are the hash <c>{KeyPrefix}{resource}</c>.</summary>
    /// <value><c>redbook:quota:</c>. Services that share one capacity must use the same prefix.</value>
    [Required]
    [MinLength(1)]
    public string KeyPrefix { get; set; } = RedisQuotaConstants.DefaultKeyPrefix;

    /// <summary>
    /// How long one store call may take before it fails as <c>Unavailable</c> (the client then keeps its lease and
    /// backs off, and degrades to its static limit once the lease has expired). Keep it below the client's
    /// <see cref="ServiceDefaults.Quota.QuotaOptions.StoreTimeout"/>.
    /// </summary>
    /// <value>1 s. Between 10 ms and 30 s (clamped to that range when set in code).</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan Timeout { get; set; } = RedisQuotaConstants.DefaultTimeout;
}
