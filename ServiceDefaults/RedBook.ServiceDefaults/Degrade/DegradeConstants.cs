namespace RedBook.ServiceDefaults.Degrade;

/// <summary>Names and defaults of RedBook's degrade cache.</summary>
public static class DegradeConstants
{
    /// <summary>The configuration section: <c>RedBook:Degrade</c> for every cache, <c>RedBook:Degrade:{name}</c> for one.</summary>
    public const string ConfigurationSection = "RedBook:Degrade";

    /// <summary>The reason of the error when a degraded call has neither a stale value nor a fallback (code Unavailable).</summary>
    public const string UnavailableReason = "REDBOOK_DEGRADED_NO_VALUE";

    /// <summary>The default fresh TTL: 10 s.</summary>
    public static readonly TimeSpan DefaultFreshTtl = TimeSpan.FromSeconds(10);

    /// <summary>The default stale TTL: 10 min.</summary>
    public static readonly TimeSpan DefaultStaleTtl = TimeSpan.FromMinutes(10);

    internal const string NameTag = "redbook.degrade.name";

    internal const string SourceTag = "redbook.degrade.source";
}
