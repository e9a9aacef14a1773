namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// The per-endpoint state a balancer keeps. Counters are updated with interlocked operations; the EWMAs are
/// read-modify-write without a lock, as in kratos: a lost update under contention only drops one sample of a
/// statistic, and a picker must not serialise callers to keep averages exact.
/// </summary>
internal sealed class EndpointNode<TEndpoint>
    where TEndpoint : class
{
    /// <summary>The "no slow-start ramp" marker of <see cref="RampStart"/>.</summary>
    public const long NoRamp = long.MinValue;

    public EndpointNode(TEndpoint value, string key, int weight, long rampStart, DateTimeOffset? registeredAt, long now)
    {
        Value = value;
        Key = key;
        Weight = weight;
        RampStart = rampStart;
        RegisteredAt = registeredAt;
        LastPick = now;
    }

    public volatile TEndpoint Value;

    public readonly string Key;

    public volatile int Weight;

    /// <summary>The timestamp at which the slow-start ramp began, or <see cref="NoRamp"/>.</summary>
    public long RampStart;

    public DateTimeOffset? RegisteredAt;

    public long InFlight;

    public long Picks;

    public long ForcedPicks;

    /// <summary>The timestamp of the last pick (or of joining), for force-pick of starved endpoints.</summary>
    public long LastPick;

    /// <summary>Completions so far; the first is the warm-up, whose latency is not sampled.</summary>
    public long Completions;

    /// <summary>The timestamp of the last completion; 0 before the first one.</summary>
    public long Stamp;

    /// <summary>Latency EWMA in seconds.</summary>
    public double Lag;

    /// <summary>Success EWMA in [0, 1].</summary>
    public double Success = 1.0;

    /// <summary>Server CPU EWMA in [0, 1]; NaN until reported.</summary>
    public double Cpu = double.NaN;
}
