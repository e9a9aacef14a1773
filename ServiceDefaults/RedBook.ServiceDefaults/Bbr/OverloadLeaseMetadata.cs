using System.Threading.RateLimiting;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>
/// Metadata carried by the failed leases of RedBook's overload limiters (<see cref="BbrRateLimiter"/>, the CoDel
/// queue). Besides <see cref="MetadataName.RetryAfter"/> (the pushback) and <see cref="MetadataName.ReasonPhrase"/>
/// (for humans), a failed lease carries <see cref="Reason"/>, always <see cref="WellKnownReasons.Overloaded"/> (the
/// server sheds load or its admission queue overflowed): answer 503 with "overloaded, do not retry".
/// </summary>
public static class OverloadLeaseMetadata
{
    /// <summary>The RedBook error reason of a rejection.</summary>
    public static MetadataName<string> Reason { get; } = MetadataName.Create<string>("REDBOOK_REASON");
}
