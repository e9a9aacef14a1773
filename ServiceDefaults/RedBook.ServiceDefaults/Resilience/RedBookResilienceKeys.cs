using Polly;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// The <see cref="ResilienceContext.Properties"/> keys that RedBook's strategies read. Set them on the context
/// before executing a pipeline (or use <see cref="RedBookResilienceContextExtensions"/>, which sets them without
/// boxing).
/// </summary>
public static class RedBookResilienceKeys
{
    /// <summary>
    /// True when the call may be retried: it is idempotent, or the caller explicitly marked it so (a POST with an
    /// idempotency key). The budgeted retry strategy never retries a call without it. For HTTP, set it from
    /// <see cref="RedBookResilienceContextExtensions.SetIdempotent"/> and
    /// <c>HttpIdempotency.IsIdempotentByDefault(method)</c>.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> Idempotent = new("RedBook.Idempotent");

    /// <summary>
    /// The breaker key (dependency or endpoint) for this call; when absent, the SRE breaker strategy uses the key
    /// from its options.
    /// </summary>
    public static readonly ResiliencePropertyKey<string> BreakerKey = new("RedBook.BreakerKey");
}
