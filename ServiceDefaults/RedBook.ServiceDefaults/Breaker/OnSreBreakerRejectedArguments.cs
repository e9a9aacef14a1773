using Polly;

namespace RedBook.ServiceDefaults.Breaker;

#pragma warning disable CA1815 // Event arguments are not compared.

/// <summary>The arguments of the breaker's rejection event.</summary>
public readonly struct OnSreBreakerRejectedArguments
{
    /// <summary>Creates the arguments.</summary>
    public OnSreBreakerRejectedArguments(ResilienceContext context, string key, double dropRatio)
    {
        Context = context;
        Key = key;
        DropRatio = dropRatio;
    }

    /// <summary>The context of the execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>The throttle key.</summary>
    public string Key { get; }

    /// <summary>The drop probability at the time of the rejection.</summary>
    public double DropRatio { get; }
}
