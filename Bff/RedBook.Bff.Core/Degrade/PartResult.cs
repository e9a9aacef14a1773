namespace RedBook.Bff.Core.Degrade;

/// <summary>Where a part of a screen came from.</summary>
public enum PartSource
{
    /// <summary>The dependency answered now.</summary>
    Called = 0,

    /// <summary>A copy younger than the cache's fresh TTL; the dependency was not called. Not degraded.</summary>
    Fresh = 1,

    /// <summary>This replica's last good copy, served because the call failed or the switch is on. Degraded.</summary>
    Stale = 2,

    /// <summary>The shared last good copy (Redis), served because this replica had none. Degraded.</summary>
    Copy = 3,

    /// <summary>Nothing could be served; the caller uses its default. Degraded.</summary>
    None = 4,
}

/// <summary>One part of a screen: its value (null when nothing could be served) and whether it is degraded.</summary>
/// <typeparam name="T">The part's value.</typeparam>
public readonly record struct PartResult<T>(T? Value, PartSource Source, Exception? Error)
    where T : class
{
    /// <summary>True when the answer is lossy: a copy, or nothing at all.</summary>
    public bool IsDegraded => Source is PartSource.Stale or PartSource.Copy or PartSource.None;
}
