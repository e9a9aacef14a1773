using BenchmarkDotNet.Attributes;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.Benchmarks.Resilience;

/// <summary>
/// The full client pipeline on the success path: deadline + budgeted retry + P2C pick over 16 endpoints + SRE breaker
/// per endpoint (the HTTP pipeline keeps one <see cref="SreThrottle"/> beside each endpoint), against a Polly v8
/// pipeline of timeout + retry + circuit breaker (no pick: Polly has none). Target: ≤ the Polly baseline and 0 B.
/// </summary>
[MemoryDiagnoser]
public class ClientPipelineBenchmarks : IDisposable
{
    private ResiliencePipeline<string> _polly = null!;
    private ResiliencePipeline<string> _redBook = null!;
    private ResiliencePipeline<string> _redBookNoPick = null!;
    private P2CBalancer<BenchEndpoint> _balancer = null!;
    private SreThrottleRegistry _throttles = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder<string>()
            .AddTimeout(TimeSpan.FromMilliseconds(100))
            .AddRetry(new RetryStrategyOptions<string>
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<string>
            {
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException),
            })
            .Build();

        _throttles = new SreThrottleRegistry(TimeProvider.System);
        _redBook = new ResiliencePipelineBuilder<string>()
            .AddDeadline(new DeadlineStrategyOptions())
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<string> { Dependency = "bench" })
            .Build();
        _redBookNoPick = new ResiliencePipelineBuilder<string>()
            .AddDeadline(new DeadlineStrategyOptions())
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<string> { Dependency = "bench" })
            .AddSreBreaker(new SreBreakerStrategyOptions<string> { Key = "bench", ThrottleProvider = _throttles })
            .Build();

        var endpoints = new BalancerEndpoint<BenchEndpoint>[16];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var address = $"http://10.0.0.{i}:8080";
            var endpoint = new BenchEndpoint(address, new SreThrottle(address, new SreThrottleOptions(), TimeProvider.System));
            endpoints[i] = new BalancerEndpoint<BenchEndpoint>(endpoint, $"instance-{i}", 100);
        }

        _balancer = new P2CBalancer<BenchEndpoint>("bench", new P2CBalancerOptions(), TimeProvider.System, seed: 1);
        _balancer.UpdateEndpoints(endpoints);
        for (var i = 0; i < 10_000; i++)
        {
            var pick = _balancer.Pick();
            _balancer.Complete(pick, new PickFeedback(true, TimeSpan.FromMilliseconds(3)));
        }
    }

    [Benchmark(Baseline = true)]
    public ValueTask Polly_TimeoutRetryCircuitBreaker() => PipelineRunner.Run(_polly);

    [Benchmark]
    public async ValueTask RedBook_DeadlineRetryPickBreaker()
    {
        var context = ResilienceContextPool.Shared.Get();
        context.SetIdempotent(true);
        await _redBook.ExecuteOutcomeAsync(
            static (_, self) =>
            {
                // Per attempt: pick an endpoint, ask its throttle, "send", record, complete.
                var pick = self._balancer.Pick();
                var throttle = pick.Endpoint!.Throttle;
                if (!throttle.TryAcquire(pick.StartTimestamp, out var ratio) && ratio > 0)
                {
                    self._balancer.Complete(pick, PickFeedback.Failed);
                    return Outcome.FromResultAsValueTask("rejected");
                }

                throttle.RecordSuccess(pick.StartTimestamp);
                self._balancer.Complete(pick, PickFeedback.Succeeded);
                return Outcome.FromResultAsValueTask("dummy");
            },
            context,
            this).ConfigureAwait(false);
        ResilienceContextPool.Shared.Return(context);
    }

    [Benchmark]
    public ValueTask RedBook_DeadlineRetryBreaker_NoPick() => PipelineRunner.Run(_redBookNoPick, idempotent: true);

    [GlobalCleanup]
    public void Dispose()
    {
        _balancer.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What the HTTP pipeline balances over: an address and its own throttle.</summary>
    private sealed record BenchEndpoint(string Address, SreThrottle Throttle);
}
