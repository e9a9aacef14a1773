using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using RedBook.ServiceDefaults.CoDel;

namespace RedBook.Benchmarks.CoDel;

/// <summary>CoDel acquire + release, uncontended (a permit is free), against ConcurrencyLimiter's.</summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the limiters in [GlobalCleanup].")]
public class CoDelBenchmarks
{
    private ConcurrencyLimiter _concurrency = null!;
    private CoDelRateLimiter _codel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 100, QueueLimit = 1000 });
        _codel = new CoDelRateLimiter(new CoDelOptions { PermitLimit = 100, QueueLimit = 1000 }, TimeProvider.System, "bench");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _concurrency.Dispose();
        _codel.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<bool> ConcurrencyLimiter_AcquireAsyncRelease()
    {
        using var lease = await _concurrency.AcquireAsync();
        return lease.IsAcquired;
    }

    [Benchmark]
    public async ValueTask<bool> CoDel_AcquireAsyncRelease()
    {
        using var lease = await _codel.AcquireAsync();
        return lease.IsAcquired;
    }
}
