using BenchmarkDotNet.Attributes;
using Polly;
using Polly.Retry;
using RedBook.Benchmarks.Resilience;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.Benchmarks.Retry;

/// <summary>
/// The budgeted retry's success path (one deposit into the dependency's retry budget, the outcome classified, no
/// retry) against Polly's retry strategy with the same attempts and backoff.
/// </summary>
[MemoryDiagnoser]
public class RetryBenchmarks
{
    private ResiliencePipeline<string> _pollyRetry = null!;
    private ResiliencePipeline<string> _budgetedRetry = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pollyRetry = new ResiliencePipelineBuilder<string>()
            .AddRetry(new RetryStrategyOptions<string>
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException),
            })
            .Build();
        _budgetedRetry = new ResiliencePipelineBuilder<string>()
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<string> { Dependency = "bench" })
            .Build();
    }

    [Benchmark(Baseline = true)]
    public ValueTask PollyRetry() => PipelineRunner.Run(_pollyRetry, idempotent: true);

    [Benchmark]
    public ValueTask BudgetedRetry() => PipelineRunner.Run(_budgetedRetry, idempotent: true);
}
