using System.Collections.Concurrent;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>Hands out the one <see cref="RetryBudget"/> of each dependency.</summary>
public interface IRetryBudgetProvider
{
    /// <summary>
    /// The budget of <paramref name="dependency"/>, created on first use with <paramref name="options"/>; an
    /// existing budget is reconfigured when <paramref name="options"/> differ from its current ones.
    /// </summary>
    RetryBudget GetBudget(string dependency, RetryBudgetOptions options);
}

/// <summary>The default <see cref="IRetryBudgetProvider"/>: one budget per dependency name (ordinal), kept for the registry's lifetime.</summary>
public sealed class RetryBudgetRegistry : IRetryBudgetProvider
{
    private readonly ConcurrentDictionary<string, RetryBudget> _budgets = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a registry whose budgets read <paramref name="timeProvider"/>.</summary>
    public RetryBudgetRegistry(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>The dependencies that have a budget.</summary>
    public ICollection<string> Dependencies => _budgets.Keys;

    /// <inheritdoc />
    public RetryBudget GetBudget(string dependency, RetryBudgetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        ArgumentNullException.ThrowIfNull(options);
        var budget = _budgets.GetOrAdd(
            dependency,
            static (name, state) => new RetryBudget(name, state.options, state.time),
            (options, time: _timeProvider));
        var current = budget.Options;
        if (current.RetryRatio != options.RetryRatio
            || current.MinRetriesPerSecond != options.MinRetriesPerSecond
            || current.Ttl != options.Ttl
            || current.Buckets != options.Buckets)
        {
            budget.Configure(options);
        }

        return budget;
    }

    /// <summary>The budget of <paramref name="dependency"/>, if one was created.</summary>
    public bool TryGetBudget(string dependency, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RetryBudget? budget)
        => _budgets.TryGetValue(dependency, out budget);
}
