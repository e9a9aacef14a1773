using BenchmarkDotNet.Attributes;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.Benchmarks.LoadBalancing;

/// <summary>
/// One pick (and one pick + complete) over 16 endpoints: P2C + EWMA against plain round robin (the baseline).
/// Target: a P2C pick ≤ 100 ns and 0 B.
/// </summary>
[MemoryDiagnoser]
public class LoadBalancerBenchmarks : IDisposable
{
    private P2CBalancer<string> _p2c = null!;
    private RoundRobinBalancer<string> _roundRobin = null!;
    private readonly TimeProvider _clock = TimeProvider.System;
    private PickFeedback _feedback;
    private long _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        var endpoints = new BalancerEndpoint<string>[16];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = new BalancerEndpoint<string>($"http://10.0.0.{i}:8080", $"instance-{i}", 100);
        }

        _p2c = new P2CBalancer<string>("bench", new P2CBalancerOptions(), TimeProvider.System, seed: 1);
        _p2c.UpdateEndpoints(endpoints);
        _roundRobin = new RoundRobinBalancer<string>("bench", TimeProvider.System);
        _roundRobin.UpdateEndpoints(endpoints);
        _feedback = new PickFeedback(true, TimeSpan.FromMilliseconds(3));
        _timestamp = _clock.GetTimestamp();

        // Warm the statistics so scores are real numbers, not the cold-start values.
        for (var i = 0; i < 10_000; i++)
        {
            var pick = _p2c.Pick();
            _p2c.Complete(pick, _feedback);
        }
    }

    [Benchmark(Baseline = true)]
    public string? RoundRobin_PickComplete()
    {
        var pick = _roundRobin.Pick();
        _roundRobin.Complete(pick, _feedback);
        return pick.Endpoint;
    }

    /// <summary>The floor: the one clock read every pick makes (TimeProvider.System → Stopwatch), for reading the others on a noisy machine.</summary>
    [Benchmark]
    public long Clock_GetTimestamp() => _clock.GetTimestamp();

    [Benchmark]
    public string? P2C_PickComplete()
    {
        var pick = _p2c.Pick();
        _p2c.Complete(pick, _feedback);
        return pick.Endpoint;
    }

    [Benchmark]
    public string? P2C_Pick()
    {
        // The pick alone; the raw in-flight decrement stands in for Complete so the counts do not drift.
        var pick = _p2c.Pick();
        Interlocked.Decrement(ref pick.Node!.InFlight);
        return pick.Endpoint;
    }

    /// <summary>The pick given the caller's timestamp (a pipeline that read the clock for its deadline): no clock read.</summary>
    [Benchmark]
    public string? P2C_PickAt()
    {
        var pick = _p2c.Pick(_timestamp += 100);
        Interlocked.Decrement(ref pick.Node!.InFlight);
        return pick.Endpoint;
    }

    [Benchmark]
    public string? P2C_PickCompleteMeasured()
    {
        var pick = _p2c.Pick();
        _p2c.Complete(pick, PickFeedback.Succeeded);
        return pick.Endpoint;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _p2c.Dispose();
        GC.SuppressFinalize(this);
    }
}
