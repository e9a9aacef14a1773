namespace RedBook.Messaging.Consuming;

/// <summary>
/// Settings of one consumer group, bound from <c>RedBook:Messaging:Consumers:{group}</c>. Durations are clamped to
/// the ranges stated before they reach a timer.
/// </summary>
public sealed class EventConsumerOptions
{
    /// <summary>The configuration section that holds one subsection per consumer group.</summary>
    public const string SectionName = "RedBook:Messaging:Consumers";

    /// <summary>Attempts of the handler per message before it is dead-lettered. Default 5; 1..100.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The backoff after the first failed attempt; it doubles per attempt. Default 200 ms; 1 ms..1 min.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between attempts (and between dead-letter publish retries). Default 10 s; at least MinBackoff, at most 10 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a dead-letter publish may take before it is retried (<c>message.timeout.ms</c>). Default 30 s; 1 s..10 min.</summary>
    public TimeSpan DeadLetterPublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal int EffectiveMaxAttempts => Math.Clamp(MaxAttempts, 1, 100);

    internal TimeSpan EffectiveMinBackoff => Relay.OutboxRelayOptions.Clamp(MinBackoff, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));

    internal TimeSpan EffectiveMaxBackoff => Relay.OutboxRelayOptions.Clamp(MaxBackoff, EffectiveMinBackoff, TimeSpan.FromMinutes(10));

    internal TimeSpan EffectiveDeadLetterPublishTimeout => Relay.OutboxRelayOptions.Clamp(DeadLetterPublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

    internal TimeSpan Backoff(int failures) => Backoffs.Exponential(failures, EffectiveMinBackoff, EffectiveMaxBackoff);
}
