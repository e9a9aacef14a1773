namespace RedBook.ServiceDefaults.Retry;

/// <summary>The backoff rule of the budgeted retry strategy.</summary>
internal static class BudgetedRetryBackoff
{
    /// <summary>
    /// The delay before retry <paramref name="retry"/> (1 for the first retry):
    /// <c>min(min(base × factor^(retry−1), cap) × (1 − jitter + 2 × jitter × u), cap)</c> with u uniform in [0, 1),
    /// truncated to whole milliseconds (the resolution of <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>).
    /// </summary>
    public static TimeSpan GetDelay(int retry, TimeSpan baseDelay, double factor, TimeSpan maxDelay, double jitter, double u)
    {
        var nominal = baseDelay.Ticks * Math.Pow(factor, retry - 1);
        var capped = Math.Min(nominal, maxDelay.Ticks);
        var jittered = capped * (1 - jitter + (2 * jitter * u));
        var ticks = (long)Math.Min(jittered, maxDelay.Ticks);
        return TimeSpan.FromTicks(ticks - (ticks % TimeSpan.TicksPerMillisecond));
    }
}
