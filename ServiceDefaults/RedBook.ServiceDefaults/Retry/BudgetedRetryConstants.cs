namespace RedBook.ServiceDefaults.Retry;

/// <summary>Names and defaults of the budgeted retry strategy.</summary>
public static class BudgetedRetryConstants
{
    /// <summary>The default strategy name.</summary>
    public const string DefaultName = "BudgetedRetry";

    /// <summary>The telemetry event reported before each retry.</summary>
    public const string OnRetryEvent = "OnBudgetedRetry";

    /// <summary>The telemetry event reported when a retry was refused because the budget is exhausted.</summary>
    public const string OnBudgetExhaustedEvent = "OnRetryBudgetExhausted";

    /// <summary>The default number of attempts, the first included: 3.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>The default backoff multiplier: 2.</summary>
    public const double DefaultBackoffFactor = 2.0;

    /// <summary>The default jitter: ±20% (gRPC's connection-backoff jitter).</summary>
    public const double DefaultJitter = 0.2;

    /// <summary>The default budget ratio: 20% of first attempts.</summary>
    public const double DefaultRetryRatio = 0.2;

    /// <summary>The default number of buckets of the budget's window: 100 (100 ms each over the default TTL).</summary>
    public const int DefaultBudgetBuckets = 100;

    /// <summary>The default budget floor: 10 retries per second.</summary>
    public const int DefaultMinRetriesPerSecond = 10;

    /// <summary>The default delay before the first retry: 50 ms.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The default cap on any delay: 1 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default budget window: 10 s.</summary>
    public static readonly TimeSpan DefaultBudgetTtl = TimeSpan.FromSeconds(10);
}
