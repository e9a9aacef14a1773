using System.ComponentModel.DataAnnotations;

namespace RedBook.Mall.Core;

/// <summary>The mall's knobs, bound from <c>RedBook:Mall</c> and validated at start-up.</summary>
public sealed class MallOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Mall";

    /// <summary>The ISO 4217 code of the currency every price is in (minor units of it).</summary>
    /// <value><c>CNY</c>.</value>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string Currency { get; set; } = "CNY";

    /// <summary>How long a placed order holds its stock before the release job cancels it.</summary>
    /// <value>15 minutes; 1 minute to 7 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many times a write that lost an optimistic-concurrency race is re-read and retried before ABORTED.</summary>
    /// <value>5; 1 to 20.</value>
    [Range(1, 20)]
    public int MaxConcurrencyRetries { get; set; } = 5;
}
