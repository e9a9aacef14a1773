using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// Registers per-dependency resilience: the deadline, budgeted retry and SRE breaker options of a dependency, bound
/// from configuration and validated on start, plus the shared retry budgets, throttles and pipelines.
/// </summary>
/// <remarks>
/// Configuration keys, for a dependency named <c>{dependency}</c>:
/// <code>
/// RedBook:Resilience:{dependency}:Deadline  DefaultTimeout, MaxTimeout, Reserve, ReserveRatio, MinimumBudget, FlowAmbientDeadline
/// RedBook:Resilience:{dependency}:Retry     MaxAttempts, BaseDelay, BackoffFactor, MaxDelay, Jitter, AssumeIdempotent,
///                                           Budget:RetryRatio, Budget:MinRetriesPerSecond, Budget:Ttl, Budget:Buckets
/// RedBook:Resilience:{dependency}:Breaker   K, MinimumRequests, Window, Buckets, Key
/// </code>
/// A change takes effect on the next <see cref="RedBookResiliencePipelines.GetPipeline(string)"/>: the pipeline is
/// rebuilt from the new values while the dependency's retry budget and throttle keep their history.
/// </remarks>
public static class RedBookResilienceServiceCollectionExtensions
{
    /// <summary>The configuration section that holds one subsection per dependency.</summary>
    public const string ConfigurationSection = "RedBook:Resilience";

    /// <summary>
    /// Registers the named options of <paramref name="dependency"/> (<see cref="DeadlineStrategyOptions"/>,
    /// <see cref="BudgetedRetryStrategyOptions"/>, <see cref="SreBreakerStrategyOptions"/>, each named
    /// <paramref name="dependency"/>) bound from <c>RedBook:Resilience:{dependency}</c> with DataAnnotations
    /// validation on start, and the shared <see cref="IRetryBudgetProvider"/>, <see cref="ISreThrottleProvider"/>,
    /// <see cref="RedBookResiliencePipelines"/> and <see cref="TimeProvider"/> (system) unless already registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="dependency">The dependency's name (a service name such as <c>feed</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRedBookResilience(this IServiceCollection services, string dependency)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new RetryBudgetRegistry(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRetryBudgetProvider>(static sp => sp.GetRequiredService<RetryBudgetRegistry>());
        services.TryAddSingleton(static sp => new SreThrottleRegistry(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISreThrottleProvider>(static sp => sp.GetRequiredService<SreThrottleRegistry>());
        services.TryAddSingleton<RedBookResiliencePipelines>();

        var section = $"{ConfigurationSection}:{dependency}";
        services.AddOptions<DeadlineStrategyOptions>(dependency)
            .BindConfiguration($"{section}:Deadline")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<BudgetedRetryStrategyOptions>(dependency)
            .BindConfiguration($"{section}:Retry")
            .PostConfigure<IRetryBudgetProvider>((options, provider) =>
            {
                options.Dependency ??= dependency;
                options.BudgetProvider ??= provider;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SreBreakerStrategyOptions>(dependency)
            .BindConfiguration($"{section}:Breaker")
            .PostConfigure<ISreThrottleProvider>((options, provider) =>
            {
                options.Key ??= dependency;
                options.ThrottleProvider ??= provider;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
