using System.ComponentModel.DataAnnotations;
using Polly;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>
/// Options of the SRE adaptive-throttling breaker strategy. Binds from configuration
/// (<c>RedBook:Resilience:{dependency}:Breaker</c>).
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public class SreBreakerStrategyOptions<TResult> : ResilienceStrategyOptions
{
    /// <summary>Initializes the options with their defaults.</summary>
    public SreBreakerStrategyOptions() => Name = SreBreakerConstants.DefaultName;

    /// <summary>
    /// Gets or sets the throttle key used when the context carries no <see cref="RedBookResilienceKeys.BreakerKey"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the strategy's <see cref="ResilienceStrategyOptions.Name"/>.</value>
    public string? Key { get; set; }

    /// <summary>Gets or sets K, the accepts multiplier.</summary>
    /// <value>Between 1 and 100. The default is 1.5.</value>
    [Range(1.0, 100.0)]
    public double K { get; set; } = SreBreakerConstants.DefaultK;

    /// <summary>Gets or sets how many requests the window must hold before anything is dropped.</summary>
    /// <value>Between 0 and 1,000,000. The default is 20.</value>
    [Range(0, 1_000_000)]
    public int MinimumRequests { get; set; } = SreBreakerConstants.DefaultMinimumRequests;

    /// <summary>Gets or sets the rolling window.</summary>
    /// <value>Between 100 ms and 10 minutes. The default is 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Window { get; set; } = SreBreakerConstants.DefaultWindow;

    /// <summary>Gets or sets the number of buckets of the window.</summary>
    /// <value>Between 1 and 1000. The default is 40.</value>
    [Range(1, 1000)]
    public int Buckets { get; set; } = SreBreakerConstants.DefaultBuckets;

    /// <summary>Gets or sets how long the throttle may drop everything before it lets one call through as a probe.</summary>
    /// <value>Between 10 ms and 1 minute. The default is 1 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProbeInterval { get; set; } = SreBreakerConstants.DefaultProbeInterval;

    /// <summary>Gets or sets the run of successes in a row that lifts every drop (0: no recovery ramp).</summary>
    /// <value>Between 0 and 10,000. The default is 10.</value>
    [Range(0, 10_000)]
    public int RecoverySuccesses { get; set; } = SreBreakerConstants.DefaultRecoverySuccesses;

    /// <summary>Gets or sets which outcomes count as a failure of the dependency (everything else is an accept).</summary>
    /// <value>The default is <see cref="RedBookOutcomes.IsBreakerFailure{TResult}"/>: 5xx, Unavailable, DeadlineExceeded, Internal, ...</value>
    [Required]
    public Func<Outcome<TResult>, bool> IsFailure { get; set; } = RedBookOutcomes.IsBreakerFailure;

    /// <summary>
    /// Gets or sets where the throttles come from. With <see langword="null"/> the strategy keeps its own keyed
    /// throttles, shared by every call through this pipeline instance.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public ISreThrottleProvider? ThrottleProvider { get; set; }

    /// <summary>Gets or sets the source of uniform random numbers in [0, 1) for the drop draw (seed it in tests).</summary>
    /// <value>The default is <see langword="null"/>: <see cref="Random.Shared"/>.</value>
    public Func<double>? RandomSource { get; set; }

    /// <summary>The throttle knobs of these options.</summary>
    public SreThrottleOptions ToThrottleOptions() => new()
    {
        K = K,
        MinimumRequests = MinimumRequests,
        Window = Window,
        Buckets = Buckets,
        ProbeInterval = ProbeInterval,
        RecoverySuccesses = RecoverySuccesses,
    };
}
