using Polly;

namespace RedBook.ServiceDefaults.Retry;

#pragma warning disable CA1815 // Event arguments are not compared.

/// <summary>The arguments of the retry strategy's telemetry events.</summary>
public readonly struct OnBudgetedRetryArguments
{
    /// <summary>Creates the arguments.</summary>
    public OnBudgetedRetryArguments(ResilienceContext context, int attempt, TimeSpan delay, bool fromPushback, string dependency)
    {
        Context = context;
        Attempt = attempt;
        Delay = delay;
        FromPushback = fromPushback;
        Dependency = dependency;
    }

    /// <summary>The context of the execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>The attempt that just failed (1 is the first call).</summary>
    public int Attempt { get; }

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan Delay { get; }

    /// <summary>True when the delay is the server's pushback rather than the backoff.</summary>
    public bool FromPushback { get; }

    /// <summary>The dependency whose budget was drawn.</summary>
    public string Dependency { get; }
}
