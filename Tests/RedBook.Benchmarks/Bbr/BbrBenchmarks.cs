using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.Benchmarks.Bbr;

/// <summary>BBR acquire + release (the hot path, CPU below the threshold) against ConcurrencyLimiter's.</summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the limiters in [GlobalCleanup].")]
public class BbrBenchmarks
{
    private ConcurrencyLimiter _concurrency = null!;
    private BbrRateLimiter _bbr = null!;
    private BbrRateLimiter _bbrHot = null!;
    private readonly TimeProvider _clock = TimeProvider.System;

    [GlobalSetup]
    public void Setup()
    {
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1_000_000, QueueLimit = 0 });
        _bbr = new BbrRateLimiter(new BbrOptions(), new FixedCpu(100), TimeProvider.System, "bench");
        _bbrHot = new BbrRateLimiter(new BbrOptions(), new FixedCpu(900), TimeProvider.System, "bench-hot");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _concurrency.Dispose();
        _bbr.Dispose();
        _bbrHot.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool ConcurrencyLimiter_AcquireRelease()
    {
        using var lease = _concurrency.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Bbr_AcquireRelease()
    {
        using var lease = _bbr.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Bbr_AcquireRelease_CpuAboveThreshold()
    {
        using var lease = _bbrHot.AttemptAcquire();
        return lease.IsAcquired;
    }

    /// <summary>The floor under any RT-recording limiter: the two clock reads (acquire and release).</summary>
    [Benchmark]
    public long TimeProvider_TwoTimestamps() => _clock.GetTimestamp() ^ _clock.GetTimestamp();

    private sealed class FixedCpu(int usage) : ICpuUsageSource
    {
        public int Usage => usage;
    }
}
