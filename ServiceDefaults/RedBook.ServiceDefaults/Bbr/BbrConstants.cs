namespace RedBook.ServiceDefaults.Bbr;

/// <summary>Defaults and names of the BBR limiter.</summary>
public static class BbrConstants
{
    /// <summary>The configuration section of the default limiter; a named limiter reads <c>RedBook:Bbr:{name}</c>.</summary>
    public const string ConfigurationSection = "RedBook:Bbr";

    /// <summary>The default rolling window: 10 s (aegis).</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    /// <summary>The default number of buckets in the window: 100 (aegis).</summary>
    public const int DefaultBuckets = 100;

    /// <summary>The default CPU threshold: 800 per mille (aegis).</summary>
    public const int DefaultCpuThreshold = 800;

    /// <summary>The default cool-down after the last drop: 1 s (aegis).</summary>
    public static readonly TimeSpan DefaultCoolDown = TimeSpan.FromSeconds(1);

    /// <summary>The name of the counter of shed requests.</summary>
    public const string ShedCounterName = "redbook.bbr.shed";

    /// <summary>The name of the in-flight gauge.</summary>
    public const string InFlightGaugeName = "redbook.bbr.in_flight";

    /// <summary>The name of the maxInFlight gauge.</summary>
    public const string MaxInFlightGaugeName = "redbook.bbr.max_in_flight";

    /// <summary>The name of the CPU gauge (per mille).</summary>
    public const string CpuGaugeName = "redbook.bbr.cpu";

    /// <summary>The tag that names the limiter on every instrument.</summary>
    public const string LimiterTag = "redbook.limiter";

    internal const string RejectionPhrase = "Overloaded: the server is shedding load (BBR); do not retry.";
}
