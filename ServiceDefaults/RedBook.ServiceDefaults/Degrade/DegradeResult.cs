namespace RedBook.ServiceDefaults.Degrade;

/// <summary>Where a <see cref="DegradeCache{TKey, TValue}"/> answer came from.</summary>
public enum DegradeSource
{
    /// <summary>The dependency was called and answered.</summary>
    Called = 0,

    /// <summary>A cached value within the fresh TTL; the dependency was not called.</summary>
    Fresh = 1,

    /// <summary>A cached value past the fresh TTL, served because the call failed or force-degrade is on. Degraded.</summary>
    Stale = 2,

    /// <summary>The configured fallback (default value), because there was nothing stale. Degraded.</summary>
    Fallback = 3,
}

/// <summary>An answer of <see cref="DegradeCache{TKey, TValue}"/>: the value and the "degraded" marker.</summary>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly struct DegradeResult<TValue>
{
    internal DegradeResult(TValue value, DegradeSource source, Exception? error)
    {
        Value = value;
        Source = source;
        Error = error;
    }

    /// <summary>The value.</summary>
    public TValue Value { get; }

    /// <summary>Where it came from.</summary>
    public DegradeSource Source { get; }

    /// <summary>True for a lossy answer (stale or fallback): tell the client (a header, a flag in the payload) so it can show it as such.</summary>
    public bool IsDegraded => Source is DegradeSource.Stale or DegradeSource.Fallback;

    /// <summary>The failure that made the answer degraded, or null (success, or force-degrade).</summary>
    public Exception? Error { get; }
}
