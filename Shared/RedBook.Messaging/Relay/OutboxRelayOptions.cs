namespace RedBook.Messaging.Relay;

/// <summary>
/// Settings of the outbox relay, bound from <c>RedBook:Messaging:Relay</c>. Every duration is clamped to the range
/// its documentation states before it reaches a timer.
/// </summary>
public sealed class OutboxRelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Messaging:Relay";

    /// <summary>Runs the relay in this instance (while it leads <see cref="Election"/>). Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The leader election the relay runs under: only its leader relays, so replicas that share one outbox publish it
    /// once. Name one election per outbox (services use their data's election, see docs/jobs.md). Default
    /// <c>default</c>.
    /// </summary>
    public string Election { get; set; } = ServiceDefaults.Leadership.LeaderElectionConstants.DefaultElection;

    /// <summary>How long the relay sleeps when the outbox is empty, unless a local write wakes it. Default 1 s; 10 ms..5 min.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most messages read and published per round. Default 100; 1..1000.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The first backoff after a failed round; it doubles per failure. Default 200 ms; 10 ms..1 min.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff. Default 30 s; at least <see cref="MinBackoff"/>, at most 10 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one publish may take before librdkafka gives up on it (<c>message.timeout.ms</c>). Default 30 s; 1 s..10 min.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal TimeSpan EffectivePollInterval => Clamp(PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));

    internal int EffectiveBatchSize => Math.Clamp(BatchSize, 1, 1000);

    internal TimeSpan EffectiveMinBackoff => Clamp(MinBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));

    internal TimeSpan EffectiveMaxBackoff => Clamp(MaxBackoff, EffectiveMinBackoff, TimeSpan.FromMinutes(10));

    internal TimeSpan EffectivePublishTimeout => Clamp(PublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

    /// <summary>The backoff after <paramref name="failures"/> consecutive failures: MinBackoff × 2^(failures-1), at most MaxBackoff.</summary>
    internal TimeSpan Backoff(int failures) => Backoffs.Exponential(failures, EffectiveMinBackoff, EffectiveMaxBackoff);

    internal static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
