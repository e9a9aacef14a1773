using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using RedBook.ServiceDefaults.Isolation;

namespace RedBook.Benchmarks.Isolation;

/// <summary>
/// A per-dependency bulkhead acquire + release through <see cref="IsolationLimiters"/> (the swappable wrapper over
/// the framework's partitioned limiter) against the framework's own <c>PartitionedRateLimiter.Create</c> of
/// concurrency limiters with the same limits; and a chained route partition (rate + concurrency).
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the limiters in [GlobalCleanup].")]
public class IsolationBenchmarks
{
    private PartitionedRateLimiter<string> _framework = null!;
    private IsolationLimiters _isolation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _framework = PartitionedRateLimiter.Create<string, string>(
            static key => RateLimitPartition.GetConcurrencyLimiter(key, static _ => new ConcurrencyLimiterOptions { PermitLimit = 64, QueueLimit = 0 }),
            StringComparer.OrdinalIgnoreCase);
        var options = new IsolationOptions();
        options.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 64 };
        options.Routes["/api/feed/{id}"] = new RoutePartitionOptions { PermitsPerSecond = 10_000_000, Burst = 10_000_000, MaxConcurrency = 64 };
        _isolation = new IsolationLimiters(options, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _framework.Dispose();
        _isolation.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool Framework_PartitionedConcurrency_AcquireRelease()
    {
        using var lease = _framework.AttemptAcquire("mall-api");
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Isolation_Bulkhead_AcquireRelease()
    {
        using var lease = _isolation.Dependencies.AttemptAcquire("mall-api");
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Isolation_RoutePartition_RateAndConcurrency_AcquireRelease()
    {
        using var lease = _isolation.Routes.AttemptAcquire("/api/feed/{id}");
        return lease.IsAcquired;
    }
}
