namespace RedBook.ServiceDefaults.Quota;

/// <summary>Names and defaults of RedBook's distributed quota.</summary>
public static class QuotaConstants
{
    /// <summary>The configuration section: <c>RedBook:Quota</c> for every resource, <c>RedBook:Quota:{resource}</c> for one.</summary>
    public const string ConfigurationSection = "RedBook:Quota";

    /// <summary>The reason of the error for a request to an unconfigured resource or with invalid values (code InvalidArgument).</summary>
    public const string InvalidRequestReason = "REDBOOK_QUOTA_INVALID_REQUEST";

    /// <summary>The reason a caller reports when the quota refused a request (code ResourceExhausted).</summary>
    public const string ExhaustedReason = "REDBOOK_QUOTA_EXHAUSTED";

    /// <summary>
    /// The reason of the error a client records when the store's lease had already expired by the client's clock when
    /// it arrived (the clocks disagree): the client degrades to its static limit and backs off (code FailedPrecondition).
    /// </summary>
    public const string LeaseExpiredReason = "REDBOOK_QUOTA_LEASE_EXPIRED";

    /// <summary>The default lease length: 60 s.</summary>
    public static readonly TimeSpan DefaultLeaseLength = TimeSpan.FromSeconds(60);

    /// <summary>The default refresh interval: 15 s.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(15);
}
