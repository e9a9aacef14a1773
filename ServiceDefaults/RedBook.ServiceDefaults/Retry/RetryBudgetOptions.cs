using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>
/// The knobs of a <see cref="RetryBudget"/> (Finagle's <c>RetryBudget</c>): over any window of <see cref="Ttl"/>,
/// retries may be at most <see cref="RetryRatio"/> of the first attempts or <see cref="MinRetriesPerSecond"/> for each
/// second of history in the window, whichever is greater.
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary>Gets or sets the share of recent first attempts that may be retried.</summary>
    /// <value>Between 0 and 10. The default is 0.2 (20%, Finagle's and Envoy's default).</value>
    [Range(0.0, 10.0)]
    public double RetryRatio { get; set; } = BudgetedRetryConstants.DefaultRetryRatio;

    /// <summary>Gets or sets the floor: retries per second allowed even with little traffic (a minimum, not added to the ratio).</summary>
    /// <value>Between 0 and 100,000. The default is 10 (Finagle's default).</value>
    [Range(0, 100_000)]
    public int MinRetriesPerSecond { get; set; } = BudgetedRetryConstants.DefaultMinRetriesPerSecond;

    /// <summary>Gets or sets how long a first attempt (and a retry) counts toward the budget.</summary>
    /// <value>Between 1 second and 1 hour. The default is 10 seconds (Finagle's default).</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Ttl { get; set; } = BudgetedRetryConstants.DefaultBudgetTtl;

    /// <summary>Gets or sets the number of buckets the <see cref="Ttl"/> window is split into.</summary>
    /// <value>
    /// Between 1 and 1000. The default is 100 (100 ms buckets for the default TTL): the floor accrues a bucket at a
    /// time, so a fresh client's first bucket allows at most <c>MinRetriesPerSecond × Ttl / Buckets</c> retries.
    /// </value>
    [Range(1, 1000)]
    public int Buckets { get; set; } = BudgetedRetryConstants.DefaultBudgetBuckets;

    internal RetryBudgetOptions Clone() => new()
    {
        RetryRatio = RetryRatio,
        MinRetriesPerSecond = MinRetriesPerSecond,
        Ttl = Ttl,
        Buckets = Buckets,
    };
}
