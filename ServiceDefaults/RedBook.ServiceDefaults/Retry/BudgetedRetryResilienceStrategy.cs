using Polly;
using Polly.Telemetry;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>Retries transient outcomes with capped, jittered exponential backoff, drawing every retry from a shared budget.</summary>
internal sealed class BudgetedRetryResilienceStrategy<T> : ResilienceStrategy<T>
{
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly int _maxAttempts;
    private readonly TimeSpan _baseDelay;
    private readonly double _factor;
    private readonly TimeSpan _maxDelay;
    private readonly double _jitter;
    private readonly bool _assumeIdempotent;
    private readonly Func<Outcome<T>, bool> _shouldRetry;
    private readonly Func<Outcome<T>, bool> _isOverloaded;
    private readonly Func<Outcome<T>, TimeSpan?> _pushback;
    private readonly Func<double> _random;
    private readonly KeyValuePair<string, object?> _tag;

    public BudgetedRetryResilienceStrategy(BudgetedRetryStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _maxAttempts = options.MaxAttempts;
        _baseDelay = options.BaseDelay;
        _factor = options.BackoffFactor;
        _maxDelay = options.MaxDelay;
        _jitter = options.Jitter;
        _assumeIdempotent = options.AssumeIdempotent;
        _shouldRetry = options.ShouldRetry;
        _isOverloaded = options.IsOverloaded;
        _pushback = options.PushbackSelector;
        _random = options.RandomSource ?? Random.Shared.NextDouble;
        var dependency = options.Dependency ?? options.Name ?? BudgetedRetryConstants.DefaultName;
        Budget = options.BudgetProvider?.GetBudget(dependency, options.Budget) ?? new RetryBudget(dependency, options.Budget, timeProvider);
        _tag = new(RetryMetrics.DependencyTag, Budget.Dependency);
    }

    public RetryBudget Budget { get; }

    protected override async ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        Budget.Deposit();
        var attempt = 1;
        while (true)
        {
            Outcome<T> outcome;
            try
            {
                outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            }
#pragma warning disable CA1031 // A failure of the callee becomes an outcome, as in every Polly strategy.
            catch (Exception ex)
            {
                outcome = Outcome.FromException<T>(ex);
            }
#pragma warning restore CA1031

            if (attempt >= _maxAttempts
                || !_shouldRetry(outcome)
                || _isOverloaded(outcome)
                || context.CancellationToken.IsCancellationRequested
                || !(_assumeIdempotent || context.IsIdempotent()))
            {
                return outcome;
            }

            var pushback = _pushback(outcome);
            if (pushback < TimeSpan.Zero)
            {
                return outcome; // the server asked us not to retry.
            }

            var delay = pushback ?? BudgetedRetryBackoff.GetDelay(attempt, _baseDelay, _factor, _maxDelay, _jitter, _random());
            var remaining = context.GetEffectiveDeadline().Remaining(_timeProvider);
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= delay)
            {
                return outcome; // the retry could not finish before the deadline.
            }

            var args = new OnBudgetedRetryArguments(context, attempt, delay, pushback.HasValue, Budget.Dependency);
            if (!Budget.TryWithdraw())
            {
                _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, BudgetedRetryConstants.OnBudgetExhaustedEvent), context, outcome, args);
                RetryMetrics.BudgetExhausted.Add(1, _tag);
                return outcome;
            }

            _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, BudgetedRetryConstants.OnRetryEvent), context, outcome, args);
            RetryMetrics.Retries.Add(1, _tag);

            if (outcome.Result is IDisposable disposable)
            {
                disposable.Dispose(); // the failed response is replaced by the retry's.
            }

            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await TimerDuration.Delay(delay, _timeProvider, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                }
                catch (OperationCanceledException ex)
                {
                    return Outcome.FromException<T>(ex);
                }
            }

            attempt++;
        }
    }
}
