using Microsoft.Extensions.Time.Testing;
using System.ComponentModel.DataAnnotations;
using System.Net;
using Polly;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Tests.Resilience;

namespace RedBook.ServiceDefaults.Tests.Breaker;

public class SreBreakerResilienceStrategyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingTelemetryListener _listener = new();

    [Fact]
    public async Task Execute_FailingDependency_RejectsLocallyWithBreakerOpen()
    {
        var registry = new SreThrottleRegistry(_time, () => 0.0);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "catalog", ThrottleProvider = registry });
        var calls = 0;
        for (var i = 0; i < 20; i++)
        {
            await pipeline.ExecuteOutcomeAsync(
                static (_, state) => { state.Increment(); return ValueTask.FromResult(Outcome.FromException<int>(new HttpRequestException("down"))); },
                ResilienceContextPool.Shared.Get(),
                new Counter(() => calls++));
        }

        Assert.Equal(20, calls);
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static (_, state) => { state.Increment(); return ValueTask.FromResult(Outcome.FromResult(1)); },
            ResilienceContextPool.Shared.Get(),
            new Counter(() => calls++));

        Assert.Equal(20, calls); // not called
        var ex = Assert.IsType<RedBookException>(outcome.Exception);
        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal(WellKnownReasons.BreakerOpen, ex.Error.Reason);
        Assert.Contains(SreBreakerConstants.OnRejectedEvent, _listener.Events);
        Assert.True(registry.TryGetThrottle("catalog", out var throttle));
        Assert.Equal((21L, 0L), throttle.Counts);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    public async Task Execute_HttpStatus_ClassifiedAsFailureOnlyFor5xx(HttpStatusCode status, bool failure)
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddSreBreaker(new SreBreakerStrategyOptions<HttpResponseMessage> { Key = "dep", ThrottleProvider = registry })
            .Build();
        using var response = new HttpResponseMessage(status);
        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(response));
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((1L, failure ? 0L : 1L), throttle!.Counts);
    }

    [Theory]
    [InlineData(ErrorCode.Unavailable, true)]
    [InlineData(ErrorCode.DeadlineExceeded, true)]
    [InlineData(ErrorCode.Internal, true)]
    [InlineData(ErrorCode.ResourceExhausted, true)]
    [InlineData(ErrorCode.InvalidArgument, false)]
    [InlineData(ErrorCode.NotFound, false)]
    [InlineData(ErrorCode.PermissionDenied, false)]
    [InlineData(ErrorCode.FailedPrecondition, false)]
    public async Task Execute_ErrorCode_ClassifiedByDefaultSet(ErrorCode code, bool failure)
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry });
        await pipeline.ExecuteOutcomeAsync(
            static (_, c) => ValueTask.FromResult(Outcome.FromException<int>(new RedBookException(new RedBookError(c, "X_Y", "m")))),
            ResilienceContextPool.Shared.Get(),
            code);
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((1L, failure ? 0L : 1L), throttle!.Counts);
    }

    [Fact]
    public async Task Execute_CustomClassifier_Used()
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry, IsFailure = o => o.Result is 13 });
        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(13));
        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(12));
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((2L, 1L), throttle!.Counts);
    }

    [Fact]
    public async Task Execute_ContextKey_SelectsIsolatedThrottle()
    {
        var registry = new SreThrottleRegistry(_time, () => 0.0);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry, MinimumRequests = 0 });
        var bad = ResilienceContextPool.Shared.Get();
        bad.Properties.Set(RedBookResilienceKeys.BreakerKey, "10.0.0.9:80");
        await pipeline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromException<int>(new HttpRequestException())), bad, 0);

        var rejected = await pipeline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromResult(1)), bad, 0);
        Assert.IsType<RedBookException>(rejected.Exception);

        var good = await pipeline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromResult(1)), ResilienceContextPool.Shared.Get(), 0);
        Assert.Equal(1, good.Result);
        Assert.True(registry.TryGetThrottle("10.0.0.9:80", out _));
    }

    [Fact]
    public async Task Execute_CallerCancelled_NotRecorded()
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry });
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await pipeline.ExecuteOutcomeAsync(
            static (ctx, _) => ValueTask.FromResult(Outcome.FromException<int>(new OperationCanceledException(ctx.CancellationToken))),
            ResilienceContextPool.Shared.Get(cts.Token),
            0);
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((0L, 0L), throttle!.Counts);
    }

    [Fact]
    public async Task Execute_DeadlineElapsesInsideBreaker_CountsAsFailure()
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddDeadline()
            .AddSreBreaker(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry })
            .Build();
        var started = new TaskCompletionSource();
        var pending = pipeline.ExecuteOutcomeAsync(
            static async (ctx, state) =>
            {
                state.Started.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, ctx.CancellationToken);
                return Outcome.FromResult(1);
            },
            ResilienceContextPool.Shared.Get(),
            (Started: started, Time: _time)).AsTask();
        await started.Task;
        _time.Advance(TimeSpan.FromMilliseconds(95));

        var outcome = await pending;
        Assert.Equal(WellKnownReasons.DeadlineExceeded, Assert.IsType<RedBookException>(outcome.Exception).Error.Reason);
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((1L, 0L), throttle!.Counts);
    }

    [Fact]
    public async Task Execute_CallerCancelsInsideDeadline_NotRecorded()
    {
        var registry = new SreThrottleRegistry(_time);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddDeadline()
            .AddSreBreaker(new SreBreakerStrategyOptions { Key = "dep", ThrottleProvider = registry })
            .Build();
        using var caller = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var pending = pipeline.ExecuteOutcomeAsync(
            static async (ctx, state) =>
            {
                state.Started.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, state.Time, ctx.CancellationToken);
                return Outcome.FromResult(1);
            },
            ResilienceContextPool.Shared.Get(caller.Token),
            (Started: started, Time: _time)).AsTask();
        await started.Task;
        await caller.CancelAsync();

        Assert.IsAssignableFrom<OperationCanceledException>((await pending).Exception);
        registry.TryGetThrottle("dep", out var throttle);
        Assert.Equal((0L, 0L), throttle!.Counts);
    }

    [Fact]
    public async Task Execute_Recovery_DropRatioFallsAsAcceptsReturn()
    {
        var random = new Random(5);
        var pipeline = Build(new SreBreakerStrategyOptions { Key = "dep", RandomSource = random.NextDouble });
        for (var i = 0; i < 200; i++)
        {
            await pipeline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromException<int>(new HttpRequestException())), ResilienceContextPool.Shared.Get(), 0);
        }

        _time.Advance(TimeSpan.FromSeconds(10)); // the failures age out of the window
        var rejections = 0;
        for (var i = 0; i < 200; i++)
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(static (_, _) => ValueTask.FromResult(Outcome.FromResult(1)), ResilienceContextPool.Shared.Get(), 0);
            if (outcome.Exception is not null)
            {
                rejections++;
            }
        }

        Assert.Equal(0, rejections);
    }

    [Fact]
    public void AddSreBreaker_InvalidOptions_Throws()
    {
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddSreBreaker(new SreBreakerStrategyOptions { K = 0.5 }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddSreBreaker(new SreBreakerStrategyOptions { Buckets = 0 }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddSreBreaker(new SreBreakerStrategyOptions { Window = TimeSpan.Zero }));
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new SreBreakerStrategyOptions();
        Assert.Equal(1.5, options.K);
        Assert.Equal(20, options.MinimumRequests);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Window);
        Assert.Equal(40, options.Buckets);
    }

    private ResiliencePipeline Build(SreBreakerStrategyOptions options)
        => new ResiliencePipelineBuilder { TimeProvider = _time, TelemetryListener = _listener }.AddSreBreaker(options).Build();

    private sealed class Counter(Action increment)
    {
        public void Increment() => increment();
    }
}
