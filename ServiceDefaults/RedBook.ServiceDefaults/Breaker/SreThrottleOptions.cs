using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>The knobs of one <see cref="SreThrottle"/>.</summary>
public sealed class SreThrottleOptions
{
    /// <summary>Gets or sets K, the accepts multiplier: the client sends up to K × accepts before it starts dropping.</summary>
    /// <value>Between 1 and 100. The default is 1.5.</value>
    [Range(1.0, 100.0)]
    public double K { get; set; } = SreBreakerConstants.DefaultK;

    /// <summary>Gets or sets how many requests the window must hold before anything is dropped.</summary>
    /// <value>Between 0 and 1,000,000. The default is 20.</value>
    [Range(0, 1_000_000)]
    public int MinimumRequests { get; set; } = SreBreakerConstants.DefaultMinimumRequests;

    /// <summary>Gets or sets the rolling window the requests and accepts are counted over.</summary>
    /// <value>Between 100 ms and 10 minutes. The default is 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Window { get; set; } = SreBreakerConstants.DefaultWindow;

    /// <summary>Gets or sets the number of buckets the window is split into.</summary>
    /// <value>Between 1 and 1000. The default is 40 (250 ms buckets).</value>
    [Range(1, 1000)]
    public int Buckets { get; set; } = SreBreakerConstants.DefaultBuckets;

    /// <summary>Gets or sets how long the throttle may drop everything: after this long without a call let through, the next call goes through as a probe.</summary>
    /// <value>Between 10 ms and 1 minute. The default is 1 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProbeInterval { get; set; } = SreBreakerConstants.DefaultProbeInterval;

    /// <summary>
    /// Gets or sets the run of successes in a row that lifts every drop: from the second success the drop probability
    /// is scaled by <c>1 − run / RecoverySuccesses</c>. 0 switches the recovery ramp off.
    /// </summary>
    /// <value>Between 0 and 10,000. The default is 10.</value>
    [Range(0, 10_000)]
    public int RecoverySuccesses { get; set; } = SreBreakerConstants.DefaultRecoverySuccesses;

    internal bool SameAs(SreThrottleOptions other)
        => K == other.K && MinimumRequests == other.MinimumRequests && Window == other.Window && Buckets == other.Buckets
           && ProbeInterval == other.ProbeInterval && RecoverySuccesses == other.RecoverySuccesses;

    internal SreThrottleOptions Clone() => new()
    {
        K = K,
        MinimumRequests = MinimumRequests,
        Window = Window,
        Buckets = Buckets,
        ProbeInterval = ProbeInterval,
        RecoverySuccesses = RecoverySuccesses,
    };
}
