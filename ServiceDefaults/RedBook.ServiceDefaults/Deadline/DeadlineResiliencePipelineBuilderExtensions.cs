using System.ComponentModel.DataAnnotations;
using Polly;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>Adds the deadline strategy to a resilience pipeline.</summary>
public static class DeadlineResiliencePipelineBuilderExtensions
{
    /// <summary>Adds the deadline strategy with default options (100 ms when no deadline is set, 5 ms reserve, 1 ms minimum).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddDeadline<TBuilder>(this TBuilder builder)
        where TBuilder : ResiliencePipelineBuilderBase
        => builder.AddDeadline(new DeadlineStrategyOptions());

    /// <summary>Adds the deadline strategy.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are invalid.</exception>
    public static TBuilder AddDeadline<TBuilder>(this TBuilder builder, DeadlineStrategyOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.AddStrategy(context => new DeadlineResilienceStrategy(options, context.TimeProvider, context.Telemetry), options);
        return builder;
    }
}
