using System.ComponentModel.DataAnnotations;
using Polly;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>Adds the budgeted retry strategy to a resilience pipeline.</summary>
public static class BudgetedRetryResiliencePipelineBuilderExtensions
{
    /// <summary>Adds the budgeted retry strategy to a pipeline of any result type.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder AddBudgetedRetry(this ResiliencePipelineBuilder builder, BudgetedRetryStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => new BudgetedRetryResilienceStrategy<object>(options, context.TimeProvider, context.Telemetry), options);
    }

    /// <summary>Adds the budgeted retry strategy to a pipeline of <typeparamref name="TResult"/>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddBudgetedRetry<TResult>(this ResiliencePipelineBuilder<TResult> builder, BudgetedRetryStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => new BudgetedRetryResilienceStrategy<TResult>(options, context.TimeProvider, context.Telemetry), options);
    }
}
