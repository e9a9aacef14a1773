using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Per-route rate limits (<c>RedBook:RateLimits</c>), enforced by ASP.NET Core's rate-limiting middleware. Each
/// entry of <see cref="Policies"/> is a named policy: an endpoint opts in with
/// <c>.RequireRateLimiting("name")</c>, or the policy lists route patterns in
/// <see cref="RateLimitPolicyOptions.Routes"/> and applies to them without code. Every route gets its own
/// limiter. Changes apply live: a changed policy starts with fresh limiters.
/// </summary>
public sealed class RateLimitsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:RateLimits";

    /// <summary>The policies by name.</summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, policy) in Policies)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(policy, new ValidationContext(policy), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"RedBook:RateLimits:Policies:{name}: {result.ErrorMessage}", result.MemberNames);
                }
            }
        }
    }
}

/// <summary>The kind of limiter a policy uses (the framework's limiters).</summary>
public enum RateLimitKind
{
    /// <summary><c>TokenBucketRateLimiter</c>: <see cref="RateLimitPolicyOptions.PermitLimit"/> tokens, refilled every <see cref="RateLimitPolicyOptions.Window"/>.</summary>
    TokenBucket,

    /// <summary><c>FixedWindowRateLimiter</c>: <see cref="RateLimitPolicyOptions.PermitLimit"/> per <see cref="RateLimitPolicyOptions.Window"/>.</summary>
    FixedWindow,

    /// <summary><c>SlidingWindowRateLimiter</c>: <see cref="RateLimitPolicyOptions.PermitLimit"/> per <see cref="RateLimitPolicyOptions.Window"/>, in <see cref="RateLimitPolicyOptions.SegmentsPerWindow"/> segments.</summary>
    SlidingWindow,

    /// <summary><c>ConcurrencyLimiter</c>: at most <see cref="RateLimitPolicyOptions.PermitLimit"/> at once.</summary>
    Concurrency,
}

/// <summary>One named rate-limit policy.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>The limiter.</summary>
    /// <value>The default is <see cref="RateLimitKind.TokenBucket"/>.</value>
    public RateLimitKind Kind { get; set; } = RateLimitKind.TokenBucket;

    /// <summary>Permits per window (the bucket size and refill for a token bucket; the concurrency for <see cref="RateLimitKind.Concurrency"/>).</summary>
    /// <value>The default is 100.</value>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 100;

    /// <summary>The window (the refill period of a token bucket).</summary>
    /// <value>The default is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The segments of a sliding window.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 1000)]
    public int SegmentsPerWindow { get; set; } = 10;

    /// <summary>How many requests may wait for a permit (oldest first); the rest are rejected at once.</summary>
    /// <value>The default is 0: no queue.</value>
    [Range(0, 100000)]
    public int QueueLimit { get; set; }

    /// <summary>
    /// Route patterns the policy applies to without code: <c>/notes/{id}</c> (every method) or
    /// <c>GET /notes/{id}</c>, compared with the endpoint's route pattern as written.
    /// </summary>
    /// <value>The default is empty.</value>
    public List<string> Routes { get; set; } = [];
}
