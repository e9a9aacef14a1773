using System.ComponentModel.DataAnnotations;

namespace RedBook.Messaging.Outbox;

/// <summary>
/// Settings of the <c>outbox-purge</c> job beyond its schedule, bound from <c>RedBook:Jobs:outbox-purge</c> (the same
/// section holds <c>Interval</c>, <c>Timeout</c>, <c>Enabled</c>).
/// </summary>
public sealed class OutboxPurgeOptions
{
    /// <summary>How long a sent message stays in the outbox (for inspection and replays by hand) before it is purged.</summary>
    /// <value>1 day; 1 minute to 365 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(1);

    internal TimeSpan EffectiveSentRetention => SentRetention < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1)
        : SentRetention > TimeSpan.FromDays(365) ? TimeSpan.FromDays(365)
        : SentRetention;
}
