using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>
/// Options of <see cref="BbrRateLimiter"/>, bound from <c>RedBook:Bbr</c> (or <c>RedBook:Bbr:{name}</c>) and
/// applied live: a change of <see cref="Window"/> or <see cref="Buckets"/> starts fresh statistics, every other
/// change keeps them.
/// </summary>
public sealed class BbrOptions : IValidatableObject
{
    /// <summary>Whether the limiter sheds at all.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The rolling window over which pass counts and response times are kept.</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Window { get; set; } = BbrConstants.DefaultWindow;

    /// <summary>The number of buckets the window is split into; maxPass and minRT are computed per bucket.</summary>
    /// <value>The default is 100 (100 ms buckets over 10 s).</value>
    [Range(2, 10_000)]
    public int Buckets { get; set; } = BbrConstants.DefaultBuckets;

    /// <summary>The CPU usage, in per mille of the quota, at or above which the limiter starts shedding.</summary>
    /// <value>The default is 800.</value>
    [Range(0, 1000)]
    public int CpuThreshold { get; set; } = BbrConstants.DefaultCpuThreshold;

    /// <summary>
    /// How long after the last drop the limiter keeps shedding above maxInFlight even though the CPU fell below the
    /// threshold. It is also the pushback (<c>Retry-After</c>) of a rejected lease.
    /// </summary>
    /// <value>The default is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CoolDown { get; set; } = BbrConstants.DefaultCoolDown;

    /// <summary>
    /// go-zero's floor variant: when above zero, shedding also requires inFlight above maxInFlight times
    /// f = clamp((1000 - cpu) / (1000 - threshold), <see cref="MinimumCapacityFactor"/>, 1), so the limit
    /// tightens as the CPU climbs but never below this share of maxInFlight. Zero keeps aegis's plain test.
    /// </summary>
    /// <value>The default is 0 (aegis).</value>
    [Range(0.0, 1.0)]
    public double MinimumCapacityFactor { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Buckets > 0 && Window / Buckets < TimeSpan.FromMilliseconds(1))
        {
            yield return new ValidationResult(
                $"BBR buckets must be at least 1 ms long; {Window} / {Buckets} is shorter.",
                [nameof(Window), nameof(Buckets)]);
        }
    }

    internal BbrOptions Clone() => (BbrOptions)MemberwiseClone();
}
