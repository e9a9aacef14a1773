namespace RedBook.ServiceDefaults.Retry;

/// <summary>Options of the budgeted retry strategy for pipelines of any result type.</summary>
public class BudgetedRetryStrategyOptions : BudgetedRetryStrategyOptions<object>
{
}
