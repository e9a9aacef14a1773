namespace RedBook.ServiceDefaults.Redis.Quota;

/// <summary>Names and defaults of the Redis quota store.</summary>
public static class RedisQuotaConstants
{
    /// <summary>The default connection name, <c>redis</c>.</summary>
    public const string DefaultConnectionName = "redis";

    /// <summary>The default key prefix, <c>redbook:quota:</c>.</summary>
    public const string DefaultKeyPrefix = "redbook:quota:";

    /// <summary>
    /// The reason of the error when Redis cannot be reached, does not answer within the store's timeout or refuses
    /// for a transient cause (code Unavailable). The quota client degrades on it as on any store failure.
    /// </summary>
    public const string UnavailableReason = "REDBOOK_QUOTA_STORE_UNAVAILABLE";

    /// <summary>
    /// The reason of the error when the resource's key holds something the script cannot read (another type, or a
    /// malformed lease; code Internal). Nothing is written then; the key expires with its last lease.
    /// </summary>
    public const string CorruptStateReason = "REDBOOK_QUOTA_CORRUPT_STATE";

    /// <summary>The default store timeout: 1 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The shortest store timeout: 10 ms.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest store timeout: 30 s.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);
}
