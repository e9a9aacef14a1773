using System.Globalization;
using Polly;
using Polly.Telemetry;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>Rejects calls locally with the SRE adaptive-throttling probability of their key, and records each outcome.</summary>
internal sealed class SreBreakerResilienceStrategy<T> : ResilienceStrategy<T>
{
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<Outcome<T>, bool> _isFailure;
    private readonly ISreThrottleProvider _provider;
    private readonly SreThrottleOptions _throttleOptions;
    private readonly SreThrottle _defaultThrottle;

    public SreBreakerResilienceStrategy(SreBreakerStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _isFailure = options.IsFailure;
        _provider = options.ThrottleProvider ?? new SreThrottleRegistry(timeProvider, options.RandomSource);
        _throttleOptions = options.ToThrottleOptions();
        _defaultThrottle = _provider.GetThrottle(options.Key ?? options.Name ?? SreBreakerConstants.DefaultName, _throttleOptions);
    }

    protected override async ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        var throttle = context.Properties.TryGetValue(RedBookResilienceKeys.BreakerKey, out var key) && key is not null && key != _defaultThrottle.Key
            ? _provider.GetThrottle(key, _throttleOptions)
            : _defaultThrottle;

        // One clock read per call: the outcome is recorded in the bucket where the call started.
        var started = _timeProvider.GetTimestamp();
        if (!throttle.TryAcquire(started, out var dropRatio))
        {
            return Reject(context, throttle, dropRatio);
        }

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

        if (outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            if (context.IsDeadlineElapsed())
            {
                throttle.RecordFailure(started); // the dependency did not answer within the budget.
            }

            return outcome; // otherwise the caller gave up: that says nothing about the dependency.
        }

        if (_isFailure(outcome))
        {
            throttle.RecordFailure(started);
        }
        else
        {
            throttle.RecordSuccess(started);
        }

        return outcome;
    }

    private Outcome<T> Reject(ResilienceContext context, SreThrottle throttle, double dropRatio)
    {
        _telemetry.Report(
            new ResilienceEvent(ResilienceEventSeverity.Warning, SreBreakerConstants.OnRejectedEvent),
            context,
            new OnSreBreakerRejectedArguments(context, throttle.Key, dropRatio));
        SreBreakerMetrics.Rejections.Add(1, new KeyValuePair<string, object?>(SreBreakerMetrics.KeyTag, throttle.Key));
        var error = new RedBookError(
            ErrorCode.Unavailable,
            WellKnownReasons.BreakerOpen,
            string.Create(CultureInfo.InvariantCulture, $"The adaptive breaker of '{throttle.Key}' rejected the call locally (drop ratio {dropRatio:0.###})."));
        return Outcome.FromException<T>(new RedBookException(error));
    }
}
