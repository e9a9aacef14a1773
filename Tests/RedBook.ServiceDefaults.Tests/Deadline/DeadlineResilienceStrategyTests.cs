using RedBook.ServiceDefaults.Internal;
using System.ComponentModel.DataAnnotations;
using Polly;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Tests.Resilience;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Deadline;

public class DeadlineResilienceStrategyTests
{
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly RecordingTelemetryListener _listener = new();

    private ResiliencePipeline Build(DeadlineStrategyOptions? options = null, DeadlineStrategyOptions? inner = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time, TelemetryListener = _listener };
        builder.AddDeadline(options ?? new DeadlineStrategyOptions());
        if (inner is not null)
        {
            builder.AddDeadline(inner);
        }

        return builder.Build();
    }

    [Fact]
    public async Task Execute_NoDeadlineSet_GivesDefaultTimeoutMinusReserve()
    {
        var pipeline = Build();
        var context = ResilienceContextPool.Shared.Get();
        var probe = new Probe(_time);
        await pipeline.ExecuteAsync(
            static (ctx, state) =>
            {
                state.Seen = ctx.GetRequestDeadline().Remaining(state.Time);
                return ValueTask.CompletedTask;
            },
            context,
            probe);

        Assert.Equal(TimeSpan.FromMilliseconds(95), probe.Seen);
        Assert.False(context.GetRequestDeadline().HasValue); // removed once the call returns
        Assert.Equal(0, _time.ActiveTimers); // no timer left armed on success
    }

    [Fact]
    public async Task Execute_AmbientDeadline_ShrinksByReserveAndRatio()
    {
        var pipeline = Build(new DeadlineStrategyOptions
        {
            Reserve = TimeSpan.FromMilliseconds(5),
            ReserveRatio = 0.1,
            FlowAmbientDeadline = true,
        });
        var probe = new Probe(_time);
        using (RequestDeadline.Begin(TimeSpan.FromMilliseconds(50), _time))
        {
            await ExecuteProbe(pipeline, probe);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(40), probe.Seen); // 50 - 5 - 50 * 0.1
        Assert.Equal(TimeSpan.FromMilliseconds(40), probe.Ambient);
    }

    [Fact]
    public async Task Execute_FlowAmbientOff_LeavesAmbientDeadlineAlone()
    {
        var pipeline = Build();
        var probe = new Probe(_time);
        await ExecuteProbe(pipeline, probe);
        Assert.Equal(Timeout.InfiniteTimeSpan, probe.Ambient);
        Assert.Equal(TimeSpan.FromMilliseconds(95), probe.Seen);
    }

    [Fact]
    public async Task Execute_NestedStrategies_InnerShrinksOuterBudget()
    {
        var pipeline = Build(new DeadlineStrategyOptions(), new DeadlineStrategyOptions { Reserve = TimeSpan.FromMilliseconds(10) });
        var probe = new Probe(_time);
        await ExecuteProbe(pipeline, probe);
        Assert.Equal(TimeSpan.FromMilliseconds(85), probe.Seen); // 100 - 5, then - 10
    }

    [Fact]
    public async Task Execute_MaxTimeout_CapsLongInheritedDeadline()
    {
        var pipeline = Build(new DeadlineStrategyOptions { MaxTimeout = TimeSpan.FromMilliseconds(200) });
        var probe = new Probe(_time);
        using (RequestDeadline.Begin(TimeSpan.FromSeconds(10), _time))
        {
            await ExecuteProbe(pipeline, probe);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(195), probe.Seen);
    }

    [Theory]
    [InlineData(1193.0)]        // hours: under the 49.7 days a timer holds
    [InlineData(1194.0)]        // over it
    [InlineData(99_999_999.0)]  // the longest grpc-timeout
    public async Task Execute_InheritedDeadlineLongerThanATimerHolds_BudgetIsTheLongestATimerHolds(double hours)
    {
        var pipeline = Build();
        var probe = new Probe(_time);
        using (RequestDeadline.Begin(TimeSpan.FromHours(hours), _time))
        {
            await ExecuteProbe(pipeline, probe);
        }

        var expected = TimeSpan.FromHours(hours) - TimeSpan.FromMilliseconds(5);
        Assert.Equal(expected < TimerDuration.Max ? expected : TimerDuration.Max, probe.Seen);
    }

    [Fact]
    public async Task Execute_InheritedDeadlineAtTheEndOfTime_CallsAndCancelsAtTheTimersLimit()
    {
        var pipeline = Build();
        var context = ResilienceContextPool.Shared.Get();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (RequestDeadline.Begin(RequestDeadline.AtTimestamp(long.MaxValue - 1)))
        {
            var pending = pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, ctx.CancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        state.Cancelled.TrySetResult();
                        throw;
                    }
                },
                context,
                (Time: (TimeProvider)_time, Cancelled: cancelled)).AsTask();

            _time.Advance(TimerDuration.Max - TimeSpan.FromMilliseconds(1));
            Assert.False(cancelled.Task.IsCompleted);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var error = await Assert.ThrowsAsync<RedBookException>(() => pending);
            Assert.Equal(ErrorCode.DeadlineExceeded, error.Error.Code);
        }

        ResilienceContextPool.Shared.Return(context);
    }

    [Theory]
    [InlineData(5.0)] // budget 0 ms
    [InlineData(5.9)] // budget 0.9 ms, below the 1 ms minimum
    [InlineData(0.0)] // already expired
    [InlineData(-3.0)]
    public async Task Execute_BudgetBelowMinimum_FailsFastWithoutCalling(double remainingMs)
    {
        var pipeline = Build();
        var called = false;
        var deadline = RequestDeadline.AtTimestamp(_time.GetTimestamp() + TimeSpan.FromMilliseconds(remainingMs).Ticks);
        Outcome<int> outcome;
        using (RequestDeadline.Begin(deadline))
        {
            outcome = await ExecuteOutcome(pipeline, _ =>
            {
                called = true;
                return 1;
            });
        }

        Assert.False(called);
        var ex = Assert.IsType<RedBookException>(outcome.Exception);
        Assert.Equal(ErrorCode.DeadlineExceeded, ex.Error.Code);
        Assert.Equal(WellKnownReasons.DeadlineExceeded, ex.Error.Reason);
        Assert.Equal([DeadlineConstants.OnFailFastEvent], _listener.Events.Where(e => e.StartsWith("OnDeadline", StringComparison.Ordinal)));
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Execute_BudgetAtMinimum_Calls()
    {
        var pipeline = Build();
        using (RequestDeadline.Begin(TimeSpan.FromMilliseconds(6), _time))
        {
            var outcome = await ExecuteOutcome(pipeline, _ => 7);
            Assert.Equal(7, outcome.Result);
        }
    }

    [Fact]
    public async Task Execute_BudgetPasses_CancelsCalleeExactlyThen()
    {
        var pipeline = Build();
        CancellationToken calleeToken = default;
        var started = new TaskCompletionSource();
        var pending = ExecuteOutcomeAsync(pipeline, async ctx =>
        {
            calleeToken = ctx.CancellationToken;
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ctx.CancellationToken);
            return 1;
        });
        await started.Task;

        _time.Advance(TimeSpan.FromMilliseconds(94.9));
        Assert.False(calleeToken.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.True(calleeToken.IsCancellationRequested);

        var outcome = await pending;
        var ex = Assert.IsType<RedBookException>(outcome.Exception);
        Assert.Equal(ErrorCode.DeadlineExceeded, ex.Error.Code);
        Assert.Equal(WellKnownReasons.DeadlineExceeded, ex.Error.Reason);
        Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
        Assert.Contains(DeadlineConstants.OnDeadlineExceededEvent, _listener.Events);
    }

    [Fact]
    public async Task Execute_CallerCancels_ReturnsCallerCancellationNotDeadline()
    {
        var pipeline = Build();
        using var caller = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var context = ResilienceContextPool.Shared.Get(caller.Token);
        var pending = pipeline.ExecuteOutcomeAsync(
            static async (ctx, state) =>
            {
                state.Started.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, ctx.CancellationToken);
                return Outcome.FromResult(1);
            },
            context,
            (Started: started, Time: _time));
        await started.Task;

        await caller.CancelAsync();
        var outcome = await pending;

        var ex = Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(caller.Token, ex.CancellationToken);
        Assert.DoesNotContain(DeadlineConstants.OnDeadlineExceededEvent, _listener.Events);
        Assert.Equal(caller.Token, context.CancellationToken); // the caller's token is restored
    }

    [Fact]
    public async Task Execute_CalleeFailsBeforeDeadline_ReturnsFailureUnchanged()
    {
        var pipeline = Build();
        var boom = new InvalidOperationException("boom");
        var outcome = await ExecuteOutcome(pipeline, _ => throw boom);
        Assert.Same(boom, outcome.Exception);
    }

    [Fact]
    public async Task Execute_ManyCalls_ReusesLeasesAndLeavesNoTimers()
    {
        var pipeline = Build();
        for (var i = 0; i < 100; i++)
        {
            var outcome = await ExecuteOutcome(pipeline, _ => i);
            Assert.Equal(i, outcome.Result);
        }

        Assert.Equal(0, _time.ActiveTimers);

        // a lease whose source was cancelled is replaced, and the next call still gets a fresh budget
        var pending = ExecuteOutcomeAsync(pipeline, async ctx =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ctx.CancellationToken);
            return 0;
        });
        _time.Advance(TimeSpan.FromMilliseconds(95));
        Assert.IsType<RedBookException>((await pending).Exception);

        var probe = new Probe(_time);
        await ExecuteProbe(pipeline, probe);
        Assert.Equal(TimeSpan.FromMilliseconds(95), probe.Seen);
    }

    [Theory]
    [InlineData(0.0, 5.0, 0.0, 1.0)]
    [InlineData(100.0, 5.0, 0.95, 1.0)]
    [InlineData(100.0, 61_000.0, 0.0, 1.0)]
    [InlineData(100.0, 5.0, 0.0, 61_000.0)]
    public void AddDeadline_InvalidOptions_Throws(double timeoutMs, double reserveMs, double ratio, double minimumMs)
    {
        var options = new DeadlineStrategyOptions
        {
            DefaultTimeout = TimeSpan.FromMilliseconds(timeoutMs),
            Reserve = TimeSpan.FromMilliseconds(reserveMs),
            ReserveRatio = ratio,
            MinimumBudget = TimeSpan.FromMilliseconds(minimumMs),
        };
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddDeadline(options));
    }

    [Fact]
    public void Options_Defaults_AreMios()
    {
        var options = new DeadlineStrategyOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.DefaultTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Reserve);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.MinimumBudget);
        Assert.Equal(0, options.ReserveRatio);
        Assert.Null(options.MaxTimeout);
        Assert.False(options.FlowAmbientDeadline);
        Assert.Equal(DeadlineConstants.DefaultName, options.Name);
    }

    private static async Task ExecuteProbe(ResiliencePipeline pipeline, Probe probe)
    {
        var context = ResilienceContextPool.Shared.Get();
        await pipeline.ExecuteAsync(
            static (ctx, state) =>
            {
                state.Seen = ctx.GetRequestDeadline().Remaining(state.Time);
                state.Ambient = RequestDeadline.Current.Remaining(state.Time);
                return ValueTask.CompletedTask;
            },
            context,
            probe);
        ResilienceContextPool.Shared.Return(context);
    }

    private static async Task<Outcome<int>> ExecuteOutcome(ResiliencePipeline pipeline, Func<ResilienceContext, int> body)
        => await ExecuteOutcomeAsync(pipeline, ctx => ValueTask.FromResult(body(ctx)));

    private static async Task<Outcome<int>> ExecuteOutcomeAsync(ResiliencePipeline pipeline, Func<ResilienceContext, ValueTask<int>> body)
    {
        var context = ResilienceContextPool.Shared.Get();
        return await pipeline.ExecuteOutcomeAsync(
            static async (ctx, state) =>
            {
                try
                {
                    return Outcome.FromResult(await state(ctx));
                }
                catch (Exception ex)
                {
                    return Outcome.FromException<int>(ex);
                }
            },
            context,
            body);
    }

    private sealed class Probe(TimeProvider time)
    {
        public TimeProvider Time { get; } = time;

        public TimeSpan Seen { get; set; }

        public TimeSpan Ambient { get; set; }
    }
}
