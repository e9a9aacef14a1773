using Microsoft.Extensions.Time.Testing;
using System.ComponentModel.DataAnnotations;
using System.Net;
using Polly;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Retry;
using RedBook.ServiceDefaults.Tests.Resilience;

namespace RedBook.ServiceDefaults.Tests.Retry;

public class BudgetedRetryResilienceStrategyTests
{
    private static readonly RedBookException s_unavailable = new(new RedBookError(ErrorCode.Unavailable, "FEED_DOWN", "down"));

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingTelemetryListener _listener = new();

    [Fact]
    public void GetDelay_SeededJitter_StaysWithinBoundsAndCap()
    {
        var random = new Random(42);
        var baseDelay = TimeSpan.FromMilliseconds(50);
        var cap = TimeSpan.FromSeconds(1);
        for (var i = 0; i < 10_000; i++)
        {
            var retry = random.Next(1, 12);
            var delay = BudgetedRetryBackoff.GetDelay(retry, baseDelay, 2, cap, 0.2, random.NextDouble());
            var nominal = Math.Min(50 * Math.Pow(2, retry - 1), 1000);
            Assert.InRange(delay.TotalMilliseconds, Math.Floor(nominal * 0.8) - 1, Math.Min(nominal * 1.2, 1000));
            Assert.Equal(0, delay.Ticks % TimeSpan.TicksPerMillisecond);
            Assert.True(delay <= cap);
        }
    }

    [Fact]
    public void GetDelay_NoJitter_IsExponentialThenCapped()
    {
        var delays = Enumerable.Range(1, 7)
            .Select(n => BudgetedRetryBackoff.GetDelay(n, TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromSeconds(1), 0, 0.5).TotalMilliseconds)
            .ToArray();
        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000], delays);
    }

    [Fact]
    public async Task Execute_TransientThenSuccess_RetriesWithSeededBackoff()
    {
        var seeded = new Random(9);
        var expected = new Random(9);
        var options = Options(o =>
        {
            o.RandomSource = seeded.NextDouble;
            o.MaxAttempts = 3;
        });
        var pipeline = Build(options);
        var calls = 0;
        var pending = Execute(pipeline, idempotent: true, _ => ++calls < 3 ? throw s_unavailable : 42);

        var first = BudgetedRetryBackoff.GetDelay(1, options.BaseDelay, 2, options.MaxDelay, 0.2, expected.NextDouble());
        await AdvanceAndSettle(first - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls);
        await AdvanceAndSettle(TimeSpan.FromTicks(1));
        await WaitFor(() => calls == 2);

        var second = BudgetedRetryBackoff.GetDelay(2, options.BaseDelay, 2, options.MaxDelay, 0.2, expected.NextDouble());
        await AdvanceAndSettle(second);
        var outcome = await pending;

        Assert.Equal(42, outcome.Result);
        Assert.Equal(3, calls);
        var retries = _listener.Arguments.OfType<OnBudgetedRetryArguments>().ToArray();
        Assert.Equal([first, second], retries.Select(r => r.Delay));
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
    }

    [Fact]
    public async Task Execute_AlwaysFailing_StopsAtMaxAttemptsWithLastOutcome()
    {
        var pipeline = Build(Options(o => o.BaseDelay = TimeSpan.Zero));
        var calls = 0;
        var outcome = await Execute(pipeline, idempotent: true, _ => { calls++; throw new RedBookException(new RedBookError(ErrorCode.Unavailable, "X", $"{calls}")); });
        Assert.Equal(3, calls);
        Assert.Equal("3", Assert.IsType<RedBookException>(outcome.Exception).Error.Message);
    }

    [Fact]
    public async Task Execute_Overloaded_NeverRetriedAndReturnedUnchanged()
    {
        var overloaded = new RedBookException(new RedBookError(ErrorCode.Unavailable, WellKnownReasons.Overloaded, "busy"));
        var pipeline = Build(Options(o => o.BaseDelay = TimeSpan.Zero));
        var calls = 0;
        var outcome = await Execute(pipeline, idempotent: true, _ => { calls++; throw overloaded; });
        Assert.Equal(1, calls);
        Assert.Same(overloaded, outcome.Exception);
        Assert.DoesNotContain(_listener.Events, e => e.Contains("Retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_OverloadedHttpResponse_NeverRetriedAndReturnedUndisposed()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") };
        response.Headers.Add(RedBookHeaders.ErrorReason, WellKnownReasons.Overloaded);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<HttpResponseMessage> { BaseDelay = TimeSpan.Zero, AssumeIdempotent = true })
            .Build();
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(response); });
        Assert.Equal(1, calls);
        Assert.Same(response, result);
        Assert.Equal("busy", await result.Content.ReadAsStringAsync()); // not disposed
    }

    [Fact]
    public async Task Execute_RetryableHttpResponse_DisposesFailedResponseAndRetries()
    {
        var first = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("bad") };
        using var second = new HttpResponseMessage(HttpStatusCode.OK);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<HttpResponseMessage> { BaseDelay = TimeSpan.Zero })
            .Build();
        var context = ResilienceContextPool.Shared.Get();
        HttpIdempotency.ApplyTo(context, new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"));
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls == 1 ? first : second), context);
        Assert.Same(second, result);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Execute_NotMarkedIdempotent_NotRetried()
    {
        var pipeline = Build(Options(o => o.BaseDelay = TimeSpan.Zero));
        var calls = 0;
        var outcome = await Execute(pipeline, idempotent: false, _ => { calls++; throw s_unavailable; });
        Assert.Equal(1, calls);
        Assert.Same(s_unavailable, outcome.Exception);
    }

    [Fact]
    public async Task Execute_AssumeIdempotent_RetriesUnmarkedCalls()
    {
        var pipeline = Build(Options(o =>
        {
            o.BaseDelay = TimeSpan.Zero;
            o.AssumeIdempotent = true;
        }));
        var calls = 0;
        await Execute(pipeline, idempotent: false, _ => { calls++; throw s_unavailable; });
        Assert.Equal(3, calls);
    }

    [Fact]
    public void HttpIdempotency_MethodDefaultsAndMarker()
    {
        Assert.True(HttpIdempotency.IsIdempotentByDefault(HttpMethod.Get));
        Assert.True(HttpIdempotency.IsIdempotentByDefault(HttpMethod.Put));
        Assert.True(HttpIdempotency.IsIdempotentByDefault(HttpMethod.Delete));
        Assert.False(HttpIdempotency.IsIdempotentByDefault(HttpMethod.Post));
        Assert.False(HttpIdempotency.IsIdempotentByDefault(HttpMethod.Patch));

        using var post = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/");
        var context = ResilienceContextPool.Shared.Get();
        Assert.False(HttpIdempotency.ApplyTo(context, post).IsIdempotent());
        post.Headers.Add(HttpIdempotency.IdempotencyKeyHeader, "k-1");
        Assert.True(HttpIdempotency.ApplyTo(context, post).IsIdempotent());
        Assert.True(context.Properties.GetValue(RedBookResilienceKeys.Idempotent, false));
    }

    [Fact]
    public async Task Execute_NonRetryableError_NotRetried()
    {
        var pipeline = Build(Options(o => o.BaseDelay = TimeSpan.Zero));
        var calls = 0;
        var invalid = new RedBookException(new RedBookError(ErrorCode.InvalidArgument, "FEED_BAD", "bad"));
        var outcome = await Execute(pipeline, idempotent: true, _ => { calls++; throw invalid; });
        Assert.Equal(1, calls);
        Assert.Same(invalid, outcome.Exception);
    }

    [Fact]
    public async Task Execute_ErrorPushback_DelayEqualsPushback()
    {
        var pushback = new RedBookException(new RedBookError(
            ErrorCode.Unavailable, "FEED_DOWN", "later", new Dictionary<string, string> { [ErrorMetadataKeys.RetryAfterMs] = "250" }));
        var pipeline = Build(Options(o => o.MaxAttempts = 2));
        var calls = 0;
        var pending = Execute(pipeline, idempotent: true, _ => ++calls == 1 ? throw pushback : 1);

        await AdvanceAndSettle(TimeSpan.FromMilliseconds(250) - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls);
        await AdvanceAndSettle(TimeSpan.FromTicks(1));
        Assert.Equal(1, (await pending).Result);

        var retry = Assert.Single(_listener.Arguments.OfType<OnBudgetedRetryArguments>());
        Assert.Equal(TimeSpan.FromMilliseconds(250), retry.Delay);
        Assert.True(retry.FromPushback);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    public async Task Execute_HeaderPushbackNegativeOrInvalid_NotRetried(string value)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation(RedBookHeaders.RetryPushbackMs, value);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<HttpResponseMessage> { AssumeIdempotent = true })
            .Build();
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(response); });
        Assert.Equal(1, calls);
        Assert.Same(response, result);
    }

    [Theory]
    [InlineData(RedBookHeaders.RetryPushbackMs, "120", 120.0)]
    [InlineData(RedBookHeaders.RetryPushbackMs, "4294967294", 4294967294.0)]          // the longest a timer holds
    [InlineData(RedBookHeaders.RetryPushbackMs, "4294967295", 4294967294.0)]          // one millisecond past it
    [InlineData(RedBookHeaders.RetryPushbackMs, "9223372036854775807", 4294967294.0)] // long.MaxValue ms: past TimeSpan itself
    [InlineData("Retry-After", "2147483647", 4294967294.0)]                          // about 68 years
    public async Task Execute_HeaderPushback_DelayEqualsPushbackUpToWhatATimerHolds(string header, string value, double expectedMs)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation(header, value);
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time, TelemetryListener = _listener }
            .AddBudgetedRetry(new BudgetedRetryStrategyOptions<HttpResponseMessage> { AssumeIdempotent = true })
            .Build();
        var calls = 0;
        var pending = pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls == 1 ? response : ok)).AsTask();
        var expected = TimeSpan.FromMilliseconds(expectedMs);

        await AdvanceAndSettle(expected - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls);
        Assert.False(pending.IsCompleted);
        await AdvanceAndSettle(TimeSpan.FromTicks(1));

        Assert.Same(ok, await pending);
        Assert.Equal(expected, Assert.Single(_listener.Arguments.OfType<OnBudgetedRetryArguments>()).Delay);
    }

    [Fact]
    public async Task Execute_BudgetExhausted_StopsRetryingAndReports()
    {
        var pipeline = Build(Options(o =>
        {
            o.BaseDelay = TimeSpan.Zero;
            o.Budget = new RetryBudgetOptions { RetryRatio = 0, MinRetriesPerSecond = 0 };
        }));
        var calls = 0;
        var outcome = await Execute(pipeline, idempotent: true, _ => { calls++; throw s_unavailable; });
        Assert.Equal(1, calls);
        Assert.Same(s_unavailable, outcome.Exception);
        Assert.Contains(BudgetedRetryConstants.OnBudgetExhaustedEvent, _listener.Events);
    }

    [Fact]
    public async Task Execute_PipelinesOfOneDependency_ShareTheBudget()
    {
        var registry = new RetryBudgetRegistry(_time);
        RetryBudgetOptions budget = new() { RetryRatio = 0.5, MinRetriesPerSecond = 0 };
        var a = Build(Options(o => { o.BaseDelay = TimeSpan.Zero; o.Dependency = "catalog"; o.Budget = budget; o.BudgetProvider = registry; }));
        var b = Build(Options(o => { o.BaseDelay = TimeSpan.Zero; o.Dependency = "catalog"; o.Budget = budget; o.BudgetProvider = registry; }));

        for (var i = 0; i < 4; i++)
        {
            await Execute(a, idempotent: true, _ => 1); // 4 first attempts: 2 retries for the whole dependency
        }

        var calls = 0;
        await Execute(b, idempotent: true, _ => { calls++; throw s_unavailable; }); // 1 deposit, then 2 retries
        Assert.Equal(3, calls);
        calls = 0;
        await Execute(a, idempotent: true, _ => { calls++; throw s_unavailable; }); // 6 deposits × 0.5 = 3, 2 used: 1 left
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Execute_DelayBeyondDeadline_NotRetried()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddDeadline()
            .AddBudgetedRetry(Options(o => o.BaseDelay = TimeSpan.FromMilliseconds(200)))
            .Build();
        var calls = 0;
        var outcome = await Execute(pipeline, idempotent: true, _ => { calls++; throw s_unavailable; });
        Assert.Equal(1, calls); // 95 ms left, the 160-240 ms backoff does not fit
        Assert.Same(s_unavailable, outcome.Exception);
    }

    [Fact]
    public async Task Execute_CancelledDuringDelay_ReturnsCancellation()
    {
        var pipeline = Build(Options(o => o.BaseDelay = TimeSpan.FromMilliseconds(100)));
        using var cts = new CancellationTokenSource();
        var context = ResilienceContextPool.Shared.Get(cts.Token).SetIdempotent(true);
        var pending = pipeline.ExecuteOutcomeAsync<int, object?>(static (_, _) => ValueTask.FromResult(Outcome.FromException<int>(s_unavailable)), context, null).AsTask();
        await cts.CancelAsync();
        var outcome = await pending;
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
    }

    [Fact]
    public void AddBudgetedRetry_InvalidOptions_Throws()
    {
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddBudgetedRetry(
            new BudgetedRetryStrategyOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddBudgetedRetry(
            new BudgetedRetryStrategyOptions { Budget = new RetryBudgetOptions { RetryRatio = -1 } }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddBudgetedRetry(
            new BudgetedRetryStrategyOptions { MaxAttempts = 0 }));
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new BudgetedRetryStrategyOptions();
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.BaseDelay);
        Assert.Equal(2, options.BackoffFactor);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MaxDelay);
        Assert.Equal(0.2, options.Jitter);
        Assert.Equal(0.2, options.Budget.RetryRatio);
        Assert.Equal(10, options.Budget.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Budget.Ttl);
        Assert.False(options.AssumeIdempotent);
    }

    private static BudgetedRetryStrategyOptions Options(Action<BudgetedRetryStrategyOptions> configure)
    {
        // One-second budget buckets: a fresh budget's floor allows ten retries at once, so these tests see the retry
        // logic; RetryBudgetTests cover how the floor accrues.
        var options = new BudgetedRetryStrategyOptions { Budget = new RetryBudgetOptions { Buckets = 10 } };
        configure(options);
        return options;
    }

    private ResiliencePipeline Build(BudgetedRetryStrategyOptions options)
        => new ResiliencePipelineBuilder { TimeProvider = _time, TelemetryListener = _listener }.AddBudgetedRetry(options).Build();

    private static Task<Outcome<int>> Execute(ResiliencePipeline pipeline, bool idempotent, Func<ResilienceContext, int> body)
    {
        var context = ResilienceContextPool.Shared.Get();
        if (idempotent)
        {
            context.SetIdempotent(true);
        }

        return pipeline.ExecuteOutcomeAsync(
            static (ctx, state) =>
            {
                try
                {
                    return ValueTask.FromResult(Outcome.FromResult(state(ctx)));
                }
                catch (Exception ex)
                {
                    return ValueTask.FromResult(Outcome.FromException<int>(ex));
                }
            },
            context,
            body).AsTask();
    }

    private async Task AdvanceAndSettle(TimeSpan delta)
    {
        _time.Advance(delta);
        await Task.Yield();
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 10_000 && !condition(); i++)
        {
            await Task.Yield();
        }

        Assert.True(condition());
    }
}
