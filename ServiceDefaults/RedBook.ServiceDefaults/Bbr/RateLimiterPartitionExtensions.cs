using System.Threading.RateLimiting;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>Adapts one shared <see cref="RateLimiter"/> to the partitioned shape ASP.NET Core's global limiter takes.</summary>
public static class RateLimiterPartitionExtensions
{
    /// <summary>
    /// A <see cref="PartitionedRateLimiter{TResource}"/> that sends every resource to <paramref name="limiter"/>, for
    /// <c>RateLimiterOptions.GlobalLimiter</c>. Unlike <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>
    /// it adds no lookup and no timer, and disposing it does not dispose <paramref name="limiter"/> (a DI singleton).
    /// </summary>
    /// <typeparam name="TResource">The resource type, such as <c>HttpContext</c>.</typeparam>
    /// <param name="limiter">The shared limiter.</param>
    /// <returns>The adapter.</returns>
    public static PartitionedRateLimiter<TResource> AsPartitioned<TResource>(this RateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        return new SharedPartitionedRateLimiter<TResource>(limiter);
    }

    private sealed class SharedPartitionedRateLimiter<TResource>(RateLimiter limiter) : PartitionedRateLimiter<TResource>
    {
        public override RateLimiterStatistics? GetStatistics(TResource resource) => limiter.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount) => limiter.AttemptAcquire(permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken)
            => limiter.AcquireAsync(permitCount, cancellationToken);
    }
}
