using System.ComponentModel.DataAnnotations;
using Polly;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>Adds the SRE adaptive-throttling breaker to a resilience pipeline.</summary>
public static class SreBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>Adds the SRE breaker to a pipeline of any result type.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder AddSreBreaker(this ResiliencePipelineBuilder builder, SreBreakerStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => new SreBreakerResilienceStrategy<object>(options, context.TimeProvider, context.Telemetry), options);
    }

    /// <summary>Adds the SRE breaker to a pipeline of <typeparamref name="TResult"/>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddSreBreaker<TResult>(this ResiliencePipelineBuilder<TResult> builder, SreBreakerStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => new SreBreakerResilienceStrategy<TResult>(options, context.TimeProvider, context.Telemetry), options);
    }
}
