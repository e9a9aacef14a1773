using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Tests.Resilience;

public class RedBookResilienceServiceCollectionExtensionsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AddRedBookResilience_BindsEveryKnobFromConfiguration()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["RedBook:Resilience:feed:Deadline:DefaultTimeout"] = "00:00:00.250",
            ["RedBook:Resilience:feed:Deadline:Reserve"] = "00:00:00.010",
            ["RedBook:Resilience:feed:Deadline:ReserveRatio"] = "0.1",
            ["RedBook:Resilience:feed:Deadline:MinimumBudget"] = "00:00:00.002",
            ["RedBook:Resilience:feed:Deadline:MaxTimeout"] = "00:00:02",
            ["RedBook:Resilience:feed:Retry:MaxAttempts"] = "2",
            ["RedBook:Resilience:feed:Retry:BaseDelay"] = "00:00:00.020",
            ["RedBook:Resilience:feed:Retry:Budget:RetryRatio"] = "0.1",
            ["RedBook:Resilience:feed:Retry:Budget:MinRetriesPerSecond"] = "5",
            ["RedBook:Resilience:feed:Breaker:K"] = "2",
            ["RedBook:Resilience:feed:Breaker:MinimumRequests"] = "100",
        });

        var deadline = provider.GetRequiredService<IOptionsMonitor<DeadlineStrategyOptions>>().Get("feed");
        Assert.Equal(TimeSpan.FromMilliseconds(250), deadline.DefaultTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(10), deadline.Reserve);
        Assert.Equal(0.1, deadline.ReserveRatio);
        Assert.Equal(TimeSpan.FromMilliseconds(2), deadline.MinimumBudget);
        Assert.Equal(TimeSpan.FromSeconds(2), deadline.MaxTimeout);

        var retry = provider.GetRequiredService<IOptionsMonitor<BudgetedRetryStrategyOptions>>().Get("feed");
        Assert.Equal(2, retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(20), retry.BaseDelay);
        Assert.Equal(0.1, retry.Budget.RetryRatio);
        Assert.Equal(5, retry.Budget.MinRetriesPerSecond);
        Assert.Equal("feed", retry.Dependency);
        Assert.Same(provider.GetRequiredService<IRetryBudgetProvider>(), retry.BudgetProvider);

        var breaker = provider.GetRequiredService<IOptionsMonitor<SreBreakerStrategyOptions>>().Get("feed");
        Assert.Equal(2, breaker.K);
        Assert.Equal(100, breaker.MinimumRequests);
        Assert.Equal("feed", breaker.Key);
        Assert.Same(provider.GetRequiredService<ISreThrottleProvider>(), breaker.ThrottleProvider);

        var other = provider.GetRequiredService<IOptionsMonitor<DeadlineStrategyOptions>>().Get("mall");
        Assert.Equal(TimeSpan.FromMilliseconds(100), other.DefaultTimeout); // defaults for an unconfigured name
    }

    [Theory]
    [InlineData("RedBook:Resilience:feed:Deadline:DefaultTimeout", "00:00:00")]
    [InlineData("RedBook:Resilience:feed:Retry:MaxAttempts", "0")]
    [InlineData("RedBook:Resilience:feed:Retry:Budget:RetryRatio", "-1")]
    [InlineData("RedBook:Resilience:feed:Breaker:K", "0.5")]
    public void AddRedBookResilience_InvalidValue_FailsValidation(string key, string value)
    {
        using var provider = Build(new Dictionary<string, string?> { [key] = value });
        var ex = Record.Exception(() =>
        {
            provider.GetRequiredService<IOptionsMonitor<DeadlineStrategyOptions>>().Get("feed");
            provider.GetRequiredService<IOptionsMonitor<BudgetedRetryStrategyOptions>>().Get("feed");
            provider.GetRequiredService<IOptionsMonitor<SreBreakerStrategyOptions>>().Get("feed");
        });
        Assert.IsType<OptionsValidationException>(ex);
    }

    [Fact]
    public async Task GetPipeline_ConfigurationChanges_RebuildsWithNewValuesAndKeepsBudget()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Resilience:feed:Deadline:DefaultTimeout"] = "00:00:00.200",
        }).Build();
        using var provider = Build(config);
        var pipelines = provider.GetRequiredService<RedBookResiliencePipelines>();

        var first = pipelines.GetPipeline("feed");
        Assert.Same(first, pipelines.GetPipeline("feed"));
        Assert.Equal(TimeSpan.FromMilliseconds(195), await SeenBudget(first));
        var budget = provider.GetRequiredService<RetryBudgetRegistry>().GetBudget("feed", new RetryBudgetOptions());

        config["RedBook:Resilience:feed:Deadline:DefaultTimeout"] = "00:00:00.300";
        config.Reload();

        var second = pipelines.GetPipeline("feed");
        Assert.NotSame(first, second);
        Assert.Equal(TimeSpan.FromMilliseconds(295), await SeenBudget(second));
        Assert.Same(budget, provider.GetRequiredService<RetryBudgetRegistry>().GetBudget("feed", new RetryBudgetOptions()));
    }

    [Fact]
    public async Task GetPipeline_Composition_DeadlineRetryBreakerWorkTogether()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["RedBook:Resilience:feed:Retry:BaseDelay"] = "00:00:00",
            ["RedBook:Resilience:feed:Retry:Budget:Buckets"] = "10", // a fresh budget's floor: ten retries at once
        });
        var pipeline = provider.GetRequiredService<RedBookResiliencePipelines>().GetPipeline<HttpResponseMessage>("feed");
        var context = ResilienceContextPool.Shared.Get();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://feed/notes");
        HttpIdempotency.ApplyTo(context, request);
        var calls = 0;
        using var ok = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        var result = await pipeline.ExecuteAsync(
            _ => ValueTask.FromResult(++calls < 3 ? new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) : ok),
            context);

        Assert.Same(ok, result);
        Assert.Equal(3, calls);
        var throttle = provider.GetRequiredService<SreThrottleRegistry>();
        Assert.True(throttle.TryGetThrottle("feed", out var feed));
        Assert.Equal((3L, 1L), feed.Counts); // every attempt is a request to the dependency
    }

    [Fact]
    public async Task GetPipeline_OverloadedAnswer_ReEmittedUnchanged()
    {
        using var provider = Build(new Dictionary<string, string?>());
        var pipeline = provider.GetRequiredService<RedBookResiliencePipelines>().GetPipeline("feed");
        var overloaded = new RedBookException(new RedBookError(ErrorCode.ResourceExhausted, WellKnownReasons.Overloaded, "busy"));
        var context = ResilienceContextPool.Shared.Get().SetIdempotent(true);
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static (_, e) => ValueTask.FromResult(Outcome.FromException<int>(e)), context, overloaded);
        Assert.Same(overloaded, outcome.Exception);
    }

    private ServiceProvider Build(Dictionary<string, string?> values)
        => Build(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddRedBookResilience("feed");
        services.AddRedBookResilience("mall");
        return services.BuildServiceProvider();
    }

    private async Task<TimeSpan> SeenBudget(ResiliencePipeline pipeline)
    {
        var seen = new System.Runtime.CompilerServices.StrongBox<TimeSpan>();
        await pipeline.ExecuteAsync(
            static (ctx, state) =>
            {
                state.Box.Value = ctx.GetRequestDeadline().Remaining(state.Time);
                return ValueTask.CompletedTask;
            },
            ResilienceContextPool.Shared.Get(),
            (Box: seen, Time: _time));
        return seen.Value;
    }
}
