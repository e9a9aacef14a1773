using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Degrade;

/// <summary>
/// Options of one <see cref="DegradeCache{TKey, TValue}"/>, bound from <c>RedBook:Degrade</c> and then
/// <c>RedBook:Degrade:{name}</c> (named options, the name is the cache's), re-read on every configuration change: flip
/// <see cref="ForceDegrade"/> in dynamic configuration (etcd) and the next call stops calling the dependency.
/// </summary>
public sealed class DegradeOptions : IValidatableObject
{
    /// <summary>The degrade switch: false turns the wrapper into a pass-through (no cache, no stale answers, errors propagate).</summary>
    /// <value>true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Force-degrade: never call the dependency; serve the cached value of any age up to <see cref="StaleTtl"/>, else the fallback.</summary>
    /// <value>false.</value>
    public bool ForceDegrade { get; set; }

    /// <summary>How long a value is served from the cache without calling the dependency.</summary>
    /// <value>10 s. Between 0 and 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FreshTtl { get; set; } = DegradeConstants.DefaultFreshTtl;

    /// <summary>How long a value may be served, marked degraded, when the call fails (counted from when it was stored).</summary>
    /// <value>10 min. Between 0 and 30 days; at least <see cref="FreshTtl"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan StaleTtl { get; set; } = DegradeConstants.DefaultStaleTtl;

    /// <summary>The most entries the cache keeps; on overflow the expired ones go first, then the oldest.</summary>
    /// <value>10 000. Between 1 and 10⁷.</value>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 10_000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StaleTtl < FreshTtl)
        {
            yield return new ValidationResult(
                $"StaleTtl ({StaleTtl}) must be at least FreshTtl ({FreshTtl}).",
                [nameof(StaleTtl), nameof(FreshTtl)]);
        }
    }
}
