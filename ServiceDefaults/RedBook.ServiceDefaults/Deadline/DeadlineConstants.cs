using Polly;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>Names and defaults of the deadline strategy.</summary>
public static class DeadlineConstants
{
    /// <summary>The default strategy name.</summary>
    public const string DefaultName = "Deadline";

    /// <summary>The telemetry event reported when the strategy fails fast without calling (budget below the minimum).</summary>
    public const string OnFailFastEvent = "OnDeadlineFailFast";

    /// <summary>The telemetry event reported when the budget ran out and the callee was cancelled.</summary>
    public const string OnDeadlineExceededEvent = "OnDeadlineExceeded";

    /// <summary>The default timeout when no deadline is set: 100 ms, mio's internal default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The default absolute reserve kept back from the downstream budget: 5 ms.</summary>
    public static readonly TimeSpan DefaultReserve = TimeSpan.FromMilliseconds(5);

    /// <summary>The default minimum budget below which the strategy fails fast: 1 ms.</summary>
    public static readonly TimeSpan DefaultMinimumBudget = TimeSpan.FromMilliseconds(1);

    internal static readonly ResiliencePropertyKey<DeadlineLease?> LeaseKey = new("RedBook.Deadline");
}
