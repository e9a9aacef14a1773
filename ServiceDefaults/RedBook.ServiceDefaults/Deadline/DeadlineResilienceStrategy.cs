using Microsoft.Extensions.ObjectPool;
using Polly;
using Polly.Telemetry;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// Gives each call a budget from the inherited deadline (or the default timeout), keeps a reserve back, fails fast
/// when the budget is too small, and cancels the callee when it runs out.
/// </summary>
internal sealed class DeadlineResilienceStrategy : ResilienceStrategy
{
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly DefaultObjectPool<DeadlineLease> _pool;
    private readonly long _defaultTimeout;
    private readonly long _maxTimeout;
    private readonly long _reserve;
    private readonly double _reserveRatio;
    private readonly long _minimumBudget;
    private readonly long _maxBudget;
    private readonly bool _flowAmbient;
    private readonly KeyValuePair<string, object?> _tag;

    public DeadlineResilienceStrategy(DeadlineStrategyOptions options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _pool = new DefaultObjectPool<DeadlineLease>(new DeadlineLease.Policy(timeProvider), Environment.ProcessorCount * 4);
        _defaultTimeout = TimestampMath.ToTimestampDelta(options.DefaultTimeout, timeProvider);
        _maxTimeout = options.MaxTimeout is { } max ? TimestampMath.ToTimestampDelta(max, timeProvider) : long.MaxValue;
        _reserve = TimestampMath.ToTimestampDelta(options.Reserve, timeProvider);
        _reserveRatio = options.ReserveRatio;
        _minimumBudget = Math.Max(1, TimestampMath.ToTimestampDelta(options.MinimumBudget, timeProvider));
        _maxBudget = TimestampMath.ToTimestampDelta(TimerDuration.Max, timeProvider);
        _flowAmbient = options.FlowAmbientDeadline;
        _tag = new("redbook.strategy", options.Name);
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var now = _timeProvider.GetTimestamp();
        context.Properties.TryGetValue(DeadlineConstants.LeaseKey, out var outer);
        var inherited = (outer?.Deadline ?? RequestDeadline.None).Min(RequestDeadline.Current);

        long remaining;
        if (inherited.HasValue)
        {
            remaining = Math.Min(SaturatingSubtract(inherited.Timestamp, now), _maxTimeout);
        }
        else
        {
            remaining = Math.Min(_defaultTimeout, _maxTimeout);
        }

        var budget = remaining - _reserve - (long)(Math.Max(0, remaining) * _reserveRatio);
        if (budget < _minimumBudget)
        {
            return FailFast<TResult>(context, remaining, budget);
        }

        // No longer than a timer holds (about 49.7 days), so the deadline the callee sees is the one that cancels it.
        budget = Math.Min(budget, _maxBudget);
        var lease = DeadlineLease.TryRentLocal(_timeProvider) ?? _pool.Get();
        var deadline = RequestDeadline.AtTimestamp(TimestampMath.SaturatingAdd(now, budget));
        lease.Deadline = deadline;
        lease.Outer = outer;
        var source = lease.Source;
        source.CancelAfter(TimerDuration.Clamp(TimestampMath.ToTimeSpan(budget, _timeProvider)));

        var previousToken = context.CancellationToken;
        lease.CallerToken = previousToken;
        ResilienceContextAccess.SetCancellationToken(context, source.Token);
        var registration = previousToken.CanBeCanceled
            ? previousToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        context.Properties.Set(DeadlineConstants.LeaseKey, lease);
        var ambient = _flowAmbient ? RequestDeadline.Begin(deadline) : default;

        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // A failure of the callee becomes an outcome, as in every Polly strategy.
        catch (Exception ex)
        {
            outcome = Outcome.FromException<TResult>(ex);
        }
#pragma warning restore CA1031
        finally
        {
            ambient.Dispose();
        }

        var timedOut = source.IsCancellationRequested && !previousToken.IsCancellationRequested;
        ResilienceContextAccess.SetCancellationToken(context, previousToken);
        context.Properties.Set(DeadlineConstants.LeaseKey, outer);
#pragma warning disable CA1849 // Disposing a registration is synchronous by design.
        registration.Dispose();
#pragma warning restore CA1849
        if (!lease.TryReturnLocal())
        {
            _pool.Return(lease);
        }

        if (outcome.Exception is OperationCanceledException canceled)
        {
            if (timedOut)
            {
                return Exceeded<TResult>(context, remaining, budget, canceled);
            }

            if (previousToken.IsCancellationRequested && canceled.CancellationToken != previousToken)
            {
                return Outcome.FromException<TResult>(new OperationCanceledException(canceled.Message, canceled, previousToken));
            }
        }

        return outcome;
    }

    private static long SaturatingSubtract(long a, long b) => TimestampMath.SaturatingAdd(a, b == long.MinValue ? long.MaxValue : -b);

    private Outcome<TResult> FailFast<TResult>(ResilienceContext context, long remaining, long budget)
    {
        var args = new OnDeadlineArguments(
            context,
            TimestampMath.ToTimeSpan(Math.Max(0, remaining), _timeProvider),
            TimestampMath.ToTimeSpan(budget, _timeProvider));
        _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, DeadlineConstants.OnFailFastEvent), context, args);
        DeadlineMetrics.FailFasts.Add(1, _tag);
        var error = new RedBookError(
            ErrorCode.DeadlineExceeded,
            WellKnownReasons.DeadlineExceeded,
            $"Not called: {args.Remaining.TotalMilliseconds:0.###} ms left before the deadline leaves a budget of {args.Budget.TotalMilliseconds:0.###} ms after the reserve, below the minimum.");
        return Outcome.FromException<TResult>(new RedBookException(error));
    }

    private Outcome<TResult> Exceeded<TResult>(ResilienceContext context, long remaining, long budget, OperationCanceledException cause)
    {
        var args = new OnDeadlineArguments(
            context,
            TimestampMath.ToTimeSpan(Math.Max(0, remaining), _timeProvider),
            TimestampMath.ToTimeSpan(budget, _timeProvider));
        _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Error, DeadlineConstants.OnDeadlineExceededEvent), context, args);
        DeadlineMetrics.Exceeded.Add(1, _tag);
        var error = new RedBookError(
            ErrorCode.DeadlineExceeded,
            WellKnownReasons.DeadlineExceeded,
            $"The call did not complete within its budget of {args.Budget.TotalMilliseconds:0.###} ms.");
        return Outcome.FromException<TResult>(new RedBookException(error, cause));
    }
}
