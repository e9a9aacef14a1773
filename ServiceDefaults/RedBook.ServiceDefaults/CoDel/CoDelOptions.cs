using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.CoDel;

/// <summary>
/// Options of <see cref="CoDelRateLimiter"/>, bound from <c>RedBook:CoDel</c> (or <c>RedBook:CoDel:{name}</c>)
/// and applied live.
/// </summary>
public sealed class CoDelOptions
{
    /// <summary>How many requests are served at once; the rest wait in the queue.</summary>
    /// <value>The default is 100.</value>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = CoDelConstants.DefaultPermitLimit;

    /// <summary>How many requests may wait; 0 disables queueing.</summary>
    /// <value>The default is 1000.</value>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; } = CoDelConstants.DefaultQueueLimit;

    /// <summary>
    /// The queueing delay the queue aims for. When the minimum delay over an <see cref="Interval"/> stays above it,
    /// the queue is overloaded: it serves newest first and sheds requests that waited more than twice this.
    /// </summary>
    /// <value>The default is 5 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.0001", "00:01:00")]
    public TimeSpan TargetDelay { get; set; } = CoDelConstants.DefaultTargetDelay;

    /// <summary>The interval over which the minimum queueing delay is judged.</summary>
    /// <value>The default is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Interval { get; set; } = CoDelConstants.DefaultInterval;

    internal CoDelOptions Clone() => (CoDelOptions)MemberwiseClone();
}
