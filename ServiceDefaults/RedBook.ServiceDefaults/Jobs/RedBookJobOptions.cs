using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Jobs;

/// <summary>
/// Settings of one job, bound from <c>RedBook:Jobs:{name}</c> over the interval given in code, and read before every
/// run, so a change (through etcd, say) applies from the next run. Every duration is clamped to its range before it
/// reaches a timer.
/// </summary>
public sealed class RedBookJobOptions
{
    /// <summary>The configuration section; each job's settings are under <c>RedBook:Jobs:{name}</c>.</summary>
    public const string SectionName = "RedBook:Jobs";

    /// <summary>Whether the job runs. A disabled job is looked at again after each interval.</summary>
    /// <value>True.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The pause between the end of one run and the start of the next, before jitter.</summary>
    /// <value>The interval passed to <c>AddRedBookJob</c>; 100 milliseconds to 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The spread of each pause: it is <see cref="Interval"/> × (1 ± <see cref="Jitter"/>), uniformly; the first run
    /// after becoming leader waits a random part of <see cref="Jitter"/> × <see cref="Interval"/> (at most 30 seconds).
    /// </summary>
    /// <value>0.1; 0 to 0.5.</value>
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = 0.1;

    /// <summary>How long one run may take before its cancellation token fires.</summary>
    /// <value>5 minutes; 100 milliseconds to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    internal TimeSpan EffectiveInterval => Clamp(Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(7));

    internal double EffectiveJitter => double.IsFinite(Jitter) ? Math.Clamp(Jitter, 0, 0.5) : 0;

    internal TimeSpan EffectiveTimeout => Clamp(Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
