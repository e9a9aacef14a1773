namespace RedBook.ServiceDefaults.Breaker;

/// <summary>Names and defaults of the SRE adaptive-throttling breaker.</summary>
public static class SreBreakerConstants
{
    /// <summary>The default strategy name.</summary>
    public const string DefaultName = "SreBreaker";

    /// <summary>The telemetry event reported when the breaker rejects a call locally.</summary>
    public const string OnRejectedEvent = "OnSreBreakerRejected";

    /// <summary>The default accepts multiplier K: 1.5 (go-zero; the SRE book suggests 2).</summary>
    public const double DefaultK = 1.5;

    /// <summary>The default number of requests in the window before anything is dropped: 20.</summary>
    public const int DefaultMinimumRequests = 20;

    /// <summary>The default length of the success run that lifts every drop: 10.</summary>
    public const int DefaultRecoverySuccesses = 10;

    /// <summary>The default number of buckets: 40 (go-zero).</summary>
    public const int DefaultBuckets = 40;

    /// <summary>The default window: 10 s (go-zero).</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    /// <summary>The default probe interval: 1 s (go-zero's force pass).</summary>
    public static readonly TimeSpan DefaultProbeInterval = TimeSpan.FromSeconds(1);
}
