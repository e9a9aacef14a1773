using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.CoDel;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Wires BBR shedding, the configured per-route policies and the optional CoDel queue into ASP.NET Core's
/// rate-limiting middleware: the global limiter chains BBR (a shed request gets 503 UNAVAILABLE
/// <see cref="WellKnownReasons.Overloaded"/> with the pushback), the routes that policies list by pattern, and
/// CoDel when <see cref="RedBookServerOptions.CoDelEnabled"/> is on (shed the same way); named policies serve
/// <c>.RequireRateLimiting(name)</c>. A request refused by a policy gets 429 RESOURCE_EXHAUSTED
/// <see cref="WellKnownReasons.RateLimited"/>.
/// </summary>
internal sealed class RedBookRateLimiting : IConfigureOptions<RateLimiterOptions>, IDisposable
{
    private readonly BbrRateLimiter _bbr;
    private readonly CoDelRateLimiter _coDel;
    private readonly IOptionsMonitor<RedBookServerOptions> _server;
    private readonly IOptionsMonitor<RateLimitsOptions> _limits;
    private readonly IDisposable? _subscription;
    private int _version;

    public RedBookRateLimiting(BbrRateLimiter bbr, CoDelRateLimiter coDel, IOptionsMonitor<RedBookServerOptions> server, IOptionsMonitor<RateLimitsOptions> limits)
    {
        _bbr = bbr;
        _coDel = coDel;
        _server = server;
        _limits = limits;
        _subscription = limits.OnChange(_ => Interlocked.Increment(ref _version));
    }

    public void Configure(RateLimiterOptions options)
    {
        var routes = PartitionedRateLimiter.Create<HttpContext, PolicyKey>(ByRoute);
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(_bbr.AsPartitioned<HttpContext>(), routes, new SwitchedLimiter(_coDel, _server));
        foreach (var name in _limits.CurrentValue.Policies.Keys)
        {
            options.AddPolicy(name, context => ByPolicy(name, context));
        }

        options.OnRejected = static (context, _) => new ValueTask(RejectAsync(context));
    }

    public void Dispose() => _subscription?.Dispose();

    private RateLimitPartition<PolicyKey> ByRoute(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern })
        {
            foreach (var (name, policy) in _limits.CurrentValue.Policies)
            {
                foreach (var route in policy.Routes)
                {
                    if (Matches(route, context.Request.Method, pattern))
                    {
                        return Partition(new PolicyKey(name, pattern, Volatile.Read(ref _version)), policy);
                    }
                }
            }
        }

        return RateLimitPartition.GetNoLimiter(PolicyKey.None);
    }

    private RateLimitPartition<PolicyKey> ByPolicy(string name, HttpContext context)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? string.Empty;
        return _limits.CurrentValue.Policies.TryGetValue(name, out var policy)
            ? Partition(new PolicyKey(name, route, Volatile.Read(ref _version)), policy)
            : RateLimitPartition.GetNoLimiter(PolicyKey.None);
    }

    internal static bool Matches(string route, string method, string pattern)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return string.Equals(route.Trim(), pattern, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(route[..space], method, StringComparison.OrdinalIgnoreCase)
            && string.Equals(route[(space + 1)..].Trim(), pattern, StringComparison.OrdinalIgnoreCase);
    }

    private static RateLimitPartition<PolicyKey> Partition(PolicyKey key, RateLimitPolicyOptions policy) => policy.Kind switch
    {
        RateLimitKind.FixedWindow => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = policy.PermitLimit,
            Window = policy.Window,
            QueueLimit = policy.QueueLimit,
        }),
        RateLimitKind.SlidingWindow => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = policy.PermitLimit,
            Window = policy.Window,
            SegmentsPerWindow = policy.SegmentsPerWindow,
            QueueLimit = policy.QueueLimit,
        }),
        RateLimitKind.Concurrency => RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = policy.PermitLimit,
            QueueLimit = policy.QueueLimit,
        }),
        _ => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = policy.PermitLimit,
            TokensPerPeriod = policy.PermitLimit,
            ReplenishmentPeriod = policy.Window,
            QueueLimit = policy.QueueLimit,
        }),
    };

    private static Task RejectAsync(OnRejectedContext context)
    {
        var lease = context.Lease;
        long? retryAfterMs = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (long)Math.Ceiling(retryAfter.TotalMilliseconds) : null;
        RedBookError error;
        if (lease.TryGetMetadata(OverloadLeaseMetadata.Reason, out var reason) && reason == WellKnownReasons.Overloaded)
        {
            lease.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase);
            error = RedBookErrors.Overloaded(phrase ?? "The server is overloaded; do not retry.", retryAfterMs ?? 1000);
        }
        else
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (retryAfterMs is { } ms)
            {
                metadata[ErrorMetadataKeys.RetryAfterMs] = ms.ToString(CultureInfo.InvariantCulture);
            }

            error = new RedBookError(ErrorCode.ResourceExhausted, WellKnownReasons.RateLimited, "The route's rate limit was exceeded.", metadata);
        }

        return RedBookProblemDetails.WriteAsync(context.HttpContext, error);
    }

    /// <summary>The CoDel queue while <see cref="RedBookServerOptions.CoDelEnabled"/> is on; a pass-through otherwise.</summary>
    private sealed class SwitchedLimiter(RateLimiter limiter, IOptionsMonitor<RedBookServerOptions> options) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => limiter.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
            options.CurrentValue.CoDelEnabled ? limiter.AttemptAcquire(permitCount) : PassLease.Instance;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
            options.CurrentValue.CoDelEnabled ? limiter.AcquireAsync(permitCount, cancellationToken) : new(PassLease.Instance);
    }

    private sealed class PassLease : RateLimitLease
    {
        public static readonly PassLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private readonly record struct PolicyKey(string? Policy, string? Route, int Version)
    {
        public static PolicyKey None => default;
    }
}
