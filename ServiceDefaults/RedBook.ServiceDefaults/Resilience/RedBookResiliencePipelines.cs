using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// The resilience pipeline of each dependency registered with
/// <see cref="RedBookResilienceServiceCollectionExtensions.AddRedBookResilience"/>, built from the current options
/// and rebuilt after any of them changes. Outer to inner: deadline (one budget for the whole call, retries
/// included), budgeted retry, SRE breaker (every attempt is a request to the dependency).
/// </summary>
public sealed class RedBookResiliencePipelines : IDisposable
{
    private readonly ConcurrentDictionary<(string Dependency, Type Result), object> _pipelines = new();
    private readonly IOptionsMonitor<DeadlineStrategyOptions> _deadline;
    private readonly IOptionsMonitor<BudgetedRetryStrategyOptions> _retry;
    private readonly IOptionsMonitor<SreBreakerStrategyOptions> _breaker;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable?[] _subscriptions;

    /// <summary>Creates the pipeline cache over the options monitors.</summary>
    public RedBookResiliencePipelines(
        IOptionsMonitor<DeadlineStrategyOptions> deadline,
        IOptionsMonitor<BudgetedRetryStrategyOptions> retry,
        IOptionsMonitor<SreBreakerStrategyOptions> breaker,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentNullException.ThrowIfNull(breaker);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _deadline = deadline;
        _retry = retry;
        _breaker = breaker;
        _timeProvider = timeProvider;
        _subscriptions =
        [
            deadline.OnChange((_, name) => Invalidate(name)),
            retry.OnChange((_, name) => Invalidate(name)),
            breaker.OnChange((_, name) => Invalidate(name)),
        ];
    }

    /// <summary>The pipeline of <paramref name="dependency"/>, for any result type.</summary>
    public ResiliencePipeline GetPipeline(string dependency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        return (ResiliencePipeline)_pipelines.GetOrAdd((dependency, typeof(void)), static (key, self) => self.Build(key.Dependency), this);
    }

    /// <summary>
    /// The pipeline of <paramref name="dependency"/> for results of <typeparamref name="TResult"/> (such as
    /// <see cref="HttpResponseMessage"/>), with the default outcome classification for that type.
    /// </summary>
    public ResiliencePipeline<TResult> GetPipeline<TResult>(string dependency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        return (ResiliencePipeline<TResult>)_pipelines.GetOrAdd((dependency, typeof(TResult)), static (key, self) => self.Build<TResult>(key.Dependency), this);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription?.Dispose();
        }
    }

    private void Invalidate(string? dependency)
    {
        foreach (var key in _pipelines.Keys)
        {
            if (dependency is null || key.Dependency == dependency)
            {
                _pipelines.TryRemove(key, out _);
            }
        }
    }

    private ResiliencePipeline Build(string dependency)
        => new ResiliencePipelineBuilder { Name = dependency, TimeProvider = _timeProvider }
            .AddDeadline(_deadline.Get(dependency))
            .AddBudgetedRetry(_retry.Get(dependency))
            .AddSreBreaker(_breaker.Get(dependency))
            .Build();

    private ResiliencePipeline<TResult> Build<TResult>(string dependency)
    {
        var retry = _retry.Get(dependency);
        var breaker = _breaker.Get(dependency);
        return new ResiliencePipelineBuilder<TResult> { Name = dependency, TimeProvider = _timeProvider }
            .AddDeadline(_deadline.Get(dependency))
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<TResult>
            {
                Name = retry.Name,
                Dependency = retry.Dependency,
                MaxAttempts = retry.MaxAttempts,
                BaseDelay = retry.BaseDelay,
                BackoffFactor = retry.BackoffFactor,
                MaxDelay = retry.MaxDelay,
                Jitter = retry.Jitter,
                AssumeIdempotent = retry.AssumeIdempotent,
                Budget = retry.Budget,
                BudgetProvider = retry.BudgetProvider,
                RandomSource = retry.RandomSource,
            })
            .AddSreBreaker(new SreBreakerStrategyOptions<TResult>
            {
                Name = breaker.Name,
                Key = breaker.Key,
                K = breaker.K,
                MinimumRequests = breaker.MinimumRequests,
                Window = breaker.Window,
                Buckets = breaker.Buckets,
                ThrottleProvider = breaker.ThrottleProvider,
                RandomSource = breaker.RandomSource,
            })
            .Build();
    }
}
