using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.CoDel;

/// <summary>
/// Options of <see cref="CoDelRateLimiter"/>, bound from <c>RedBook:CoDel</c> (or <c>RedBook:CoDel:{name}</c>)
/// and applied live.
/// </summary>
public sealed class CoDelOptions : IValidatableObject
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
    /// The queueing delay the queue aims for. When the oldest waiter stays older than this for a whole
    /// <see cref="Interval"/>, the queue is overloaded: it serves newest first and sheds requests that waited more than
    /// twice this. Shorter than <see cref="Interval"/>.
    /// </summary>
    /// <value>The default is 5 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.0001", "00:01:00")]
    public TimeSpan TargetDelay { get; set; } = CoDelConstants.DefaultTargetDelay;

    /// <summary>
    /// How long a queue must stand (its oldest waiter above <see cref="TargetDelay"/>) before it is overloaded, and how
    /// long without shedding before it no longer is.
    /// </summary>
    /// <value>The default is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Interval { get; set; } = CoDelConstants.DefaultInterval;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TargetDelay >= Interval)
        {
            yield return new ValidationResult(
                $"TargetDelay ({TargetDelay}) must be shorter than Interval ({Interval}): the queue is judged on whether its delay stays above the target for a whole interval.",
                [nameof(TargetDelay), nameof(Interval)]);
        }
    }

    internal CoDelOptions Clone() => (CoDelOptions)MemberwiseClone();
}
