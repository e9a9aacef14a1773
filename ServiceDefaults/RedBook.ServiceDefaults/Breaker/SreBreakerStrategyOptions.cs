namespace RedBook.ServiceDefaults.Breaker;

/// <summary>Options of the SRE breaker strategy for pipelines of any result type.</summary>
public class SreBreakerStrategyOptions : SreBreakerStrategyOptions<object>
{
}
