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

    /// <summary><see cref="SetUp"/>: no call started yet.</summary>
    public const int NotStarted = 0;

    /// <summary><see cref="SetUp"/>: a call started, none answered yet (the connection is being set up).</summary>
    public const int SettingUp = 1;

    /// <summary><see cref="SetUp"/>: the endpoint has answered.</summary>
    public const int Answered = 2;

    /// <summary>Where the endpoint is in its connection set-up: <see cref="NotStarted"/>, <see cref="SettingUp"/> or <see cref="Answered"/>.</summary>
    public int SetUp;

    /// <summary>The "not answered yet" value of <see cref="FirstAnswer"/>.</summary>
    public const long NotAnswered = long.MaxValue;

    /// <summary>
    /// The timestamp of the first completion, or <see cref="NotAnswered"/>. A call picked before it is a warm-up call
    /// (it waited for the connection set-up), whose latency is not sampled.
    /// </summary>
    public long FirstAnswer = NotAnswered;

    /// <summary>The timestamp of the last completion; 0 before the first one.</summary>
    public long Stamp;

    /// <summary>Latency EWMA in seconds.</summary>
    public double Lag;

    /// <summary>Success EWMA in [0, 1].</summary>
    public double Success = 1.0;

    /// <summary>Server CPU EWMA in [0, 1]; NaN until reported.</summary>
    public double Cpu = double.NaN;
}
