using Polly;

namespace RedBook.ServiceDefaults.Deadline;

#pragma warning disable CA1815 // Event arguments are not compared.

/// <summary>The arguments of the deadline strategy's telemetry events (fail fast, deadline exceeded).</summary>
public readonly struct OnDeadlineArguments
{
    /// <summary>Creates the arguments.</summary>
    public OnDeadlineArguments(ResilienceContext context, TimeSpan remaining, TimeSpan budget)
    {
        Context = context;
        Remaining = remaining;
        Budget = budget;
    }

    /// <summary>The context of the execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>The time that was left before the deadline when the call started.</summary>
    public TimeSpan Remaining { get; }

    /// <summary>The budget after the reserve (negative when the reserve exceeded what was left).</summary>
    public TimeSpan Budget { get; }
}
