using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using Polly;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Retry;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.Resilience;

public class ResilienceMetricsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Instruments_ReportPerKeyAndPerDependency()
    {
        var key = $"metrics-{Guid.NewGuid():N}";
        var measurements = new List<(string Instrument, double Value, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBookDiagnostics.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string == key || tag.Value as string == $"{key}.Deadline")
                {
                    lock (measurements)
                    {
                        measurements.Add((instrument.Name, value, tag.Value as string));
                    }
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var throttle = new SreThrottle(key, new SreThrottleOptions { MinimumRequests = 0 }, _time, () => 0.0);
        throttle.RecordFailure();
        var budget = new RetryBudget(key, new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.5 }, _time);
        budget.Deposit();
        budget.Deposit();

        var unavailable = new RedBookException(new RedBookError(ErrorCode.Unavailable, "X_DOWN", "down"));
        var retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions { Dependency = key, BaseDelay = TimeSpan.Zero, Budget = new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0 } })
            .Build();
        await retry.ExecuteOutcomeAsync(static (_, e) => ValueTask.FromResult(Outcome.FromException<int>(e)), ResilienceContextPool.Shared.Get().SetIdempotent(true), unavailable);

        var breaker = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddSreBreaker(new SreBreakerStrategyOptions { ThrottleProvider = new FixedProvider(throttle) })
            .Build();
        await breaker.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromResult(1)), ResilienceContextPool.Shared.Get(), 0);

        var deadline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddDeadline(new DeadlineStrategyOptions { Name = $"{key}.Deadline" })
            .Build();
        using (RequestDeadline.Begin(TimeSpan.Zero, _time))
        {
            await deadline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromResult(1)), ResilienceContextPool.Shared.Get(), 0);
        }

        listener.RecordObservableInstruments();

        Assert.Contains(measurements, m => m.Instrument == "redbook.breaker.rejections" && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "redbook.retry.budget_exhausted" && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "redbook.deadline.fail_fasts" && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "redbook.breaker.drop_ratio" && m.Value == SreThrottle.Formula(2, 0, 1.5));
        Assert.Contains(measurements, m => m.Instrument == "redbook.retry.budget.balance" && m.Value == 1);
        GC.KeepAlive(budget);
    }

    private sealed class FixedProvider(SreThrottle throttle) : ISreThrottleProvider
    {
        public SreThrottle GetThrottle(string key, SreThrottleOptions options) => throttle;
    }
}
