using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>The retry strategy's own instruments on <see cref="RedBookDiagnostics.Meter"/>.</summary>
internal static class RetryMetrics
{
    public const string DependencyTag = "redbook.dependency";

    private static readonly ConditionalWeakTable<RetryBudget, object?> s_budgets = [];

    public static readonly Counter<long> Retries = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.retry.retries", "{retry}", "Retries performed (each drawn from the dependency's retry budget).");

    public static readonly Counter<long> BudgetExhausted = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.retry.budget_exhausted", "{retry}", "Retries refused because the dependency's retry budget was exhausted.");

    public static readonly ObservableGauge<double> BudgetBalance = RedBookDiagnostics.Meter.CreateObservableGauge(
        "redbook.retry.budget.balance", ObserveBalances, "{retry}", "Retries each dependency's budget would allow right now.");

    public static void Track(RetryBudget budget) => s_budgets.AddOrUpdate(budget, null);

    private static IEnumerable<Measurement<double>> ObserveBalances()
    {
        foreach (var pair in s_budgets)
        {
            yield return new Measurement<double>(pair.Key.Balance, new KeyValuePair<string, object?>(DependencyTag, pair.Key.Dependency));
        }
    }
}
