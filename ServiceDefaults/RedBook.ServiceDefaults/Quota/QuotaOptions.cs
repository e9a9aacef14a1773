using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Quota;

/// <summary>
/// Options of one quota resource, bound from <c>RedBook:Quota</c> and then <c>RedBook:Quota:{resource}</c> (named
/// options, the name is the resource) and re-read on every configuration change. The store uses
/// <see cref="Capacity"/>, <see cref="Algorithm"/>, <see cref="LeaseLength"/> and <see cref="RefreshInterval"/>; the
/// client (<see cref="QuotaRateLimiter"/>) uses the rest.
/// </summary>
public sealed class QuotaOptions
{
    /// <summary>Store: the resource's total capacity, in permits per second, shared by all clients.</summary>
    /// <value>100. Between 0 and 10⁹.</value>
    [Range(0.0, 1e9)]
    public double Capacity { get; set; } = 100;

    /// <summary>Store: how the capacity is shared.</summary>
    /// <value><see cref="QuotaAlgorithm.FairShare"/>.</value>
    [EnumDataType(typeof(QuotaAlgorithm))]
    public QuotaAlgorithm Algorithm { get; set; } = QuotaAlgorithm.FairShare;

    /// <summary>Store: how long a lease lasts without a refresh; then its capacity is reclaimed.</summary>
    /// <value>60 s (Doorman's example). Between 1 s and 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseLength { get; set; } = QuotaConstants.DefaultLeaseLength;

    /// <summary>Store: how often clients refresh their leases (shorter than <see cref="LeaseLength"/>).</summary>
    /// <value>15 s (Doorman's example). Between 100 ms and 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = QuotaConstants.DefaultRefreshInterval;

    /// <summary>Client: the local limit, in permits per second, used before the first lease and whenever the store is unreachable and the lease has expired.</summary>
    /// <value>10. Between 0.001 and 10⁹.</value>
    [Range(0.001, 1e9)]
    public double StaticLimit { get; set; } = 10;

    /// <summary>Client: what to ask for before there is demand history; later requests ask for the observed demand times <see cref="DemandHeadroom"/>.</summary>
    /// <value>10 permits per second. Between 0.001 and 10⁹.</value>
    [Range(0.001, 1e9)]
    public double InitialWants { get; set; } = 10;

    /// <summary>Client: the multiplier on the observed demand rate that becomes the next request's wants.</summary>
    /// <value>1.2. Between 1 and 10.</value>
    [Range(1.0, 10.0)]
    public double DemandHeadroom { get; set; } = 1.2;

    /// <summary>Client: the local token bucket holds this many seconds of the granted rate (the burst; at least one permit).</summary>
    /// <value>1 s. Between 10 ms and 1 min.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Burst { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Client: the first retry delay after a failed store call; it doubles up to <see cref="MaxBackoff"/>.</summary>
    /// <value>1 s (Doorman). Between 10 ms and 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Client: the longest retry delay after failed store calls.</summary>
    /// <value>1 min (Doorman). Between 10 ms and 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Client: a store call that takes longer than this counts as a failure.</summary>
    /// <value>2 s. Between 10 ms and 1 min.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
