using BenchmarkDotNet.Attributes;
using Polly;
using Polly.CircuitBreaker;
using RedBook.Benchmarks.Resilience;
using RedBook.ServiceDefaults.Breaker;

namespace RedBook.Benchmarks.Breaker;

/// <summary>
/// The SRE breaker's success path (the drop ratio computed over 40 buckets, the accept recorded) against Polly's
/// circuit breaker (closed), and the bare <see cref="SreThrottle"/> as the HTTP pipeline drives it per endpoint.
/// </summary>
[MemoryDiagnoser]
public class SreBreakerBenchmarks
{
    private ResiliencePipeline<string> _pollyBreaker = null!;
    private ResiliencePipeline<string> _sreBreaker = null!;
    private SreThrottle _throttle = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pollyBreaker = new ResiliencePipelineBuilder<string>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<string>
            {
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException),
            })
            .Build();
        _sreBreaker = new ResiliencePipelineBuilder<string>()
            .AddSreBreaker(new SreBreakerStrategyOptions<string> { Key = "bench" })
            .Build();
        _throttle = new SreThrottle("endpoint", new SreThrottleOptions(), TimeProvider.System);
    }

    [Benchmark(Baseline = true)]
    public ValueTask PollyCircuitBreaker() => PipelineRunner.Run(_pollyBreaker);

    [Benchmark]
    public ValueTask SreBreaker() => PipelineRunner.Run(_sreBreaker);

    [Benchmark]
    public bool SreThrottle_AcquireRecord()
    {
        var acquired = _throttle.TryAcquire();
        _throttle.RecordSuccess();
        return acquired;
    }
}
