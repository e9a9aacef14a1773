using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Quota;

namespace RedBook.Benchmarks.Quota;

/// <summary>
/// One permit from the quota client's local bucket (a granted lease, store not on the path) against the framework's
/// <see cref="TokenBucketRateLimiter"/> (the baseline). Both buckets are large enough never to run dry.
/// </summary>
[MemoryDiagnoser]
public class QuotaBenchmarks : IDisposable
{
    private TokenBucketRateLimiter _tokenBucket = null!;
    private QuotaRateLimiter _quota = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokenBucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            AutoReplenishment = true,
            QueueLimit = 0,
        });
        var options = new StaticMonitor(new QuotaOptions { Capacity = 1e9, InitialWants = 1e9, StaticLimit = 1e9, Burst = TimeSpan.FromMinutes(1) });
        _quota = new QuotaRateLimiter("bench", "client", new InProcessQuotaStore(options), options);
        SpinWait.SpinUntil(() => _quota.Mode == QuotaMode.Leased, TimeSpan.FromSeconds(5));
    }

    [Benchmark(Baseline = true)]
    public bool TokenBucketRateLimiter_Acquire()
    {
        using var lease = _tokenBucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool QuotaRateLimiter_Acquire()
    {
        using var lease = _quota.AttemptAcquire();
        return lease.IsAcquired;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _tokenBucket.Dispose();
        _quota.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class StaticMonitor(QuotaOptions value) : IOptionsMonitor<QuotaOptions>
    {
        public QuotaOptions CurrentValue => value;

        public QuotaOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<QuotaOptions, string?> listener) => null;
    }
}
