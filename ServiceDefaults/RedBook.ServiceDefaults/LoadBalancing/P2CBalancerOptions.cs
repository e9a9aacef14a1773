using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// Options of <see cref="P2CBalancer{TEndpoint}"/>. Bound from <c>RedBook:LoadBalancing</c>, then
/// <c>RedBook:LoadBalancing:{service}</c> (named options, the name is the service), and re-applied on every
/// configuration reload.
/// </summary>
public sealed class P2CBalancerOptions
{
    /// <summary>The EWMA decay time (tau) of latency, success and CPU: a sample that arrives <c>dt</c> after the previous one gets weight <c>1 - exp(-dt/tau)</c>.</summary>
    /// <value>600 ms (kratos). Between 1 ms and 10 min.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan DecayTime { get; set; } = LoadBalancingConstants.DefaultDecayTime;

    /// <summary>When the loser of a P2C comparison has not been picked for this long, it is picked instead, so a penalised endpoint gets fresh samples and can recover.</summary>
    /// <value>3 s (kratos). Between 1 ms and 10 min.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ForcePickInterval { get; set; } = LoadBalancingConstants.DefaultForcePickInterval;

    /// <summary>Added to the latency EWMA before the exponent (the ε of <c>(lag + ε)^k</c>): keeps an endpoint without samples comparable and absorbs small cross-zone gaps.</summary>
    /// <value>5 ms (kratos). Between 0 and 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan LatencyOffset { get; set; } = LoadBalancingConstants.DefaultLatencyOffset;

    /// <summary>The slow-start window: a new endpoint's weight ramps linearly from <see cref="SlowStartInitialFactor"/> to its full weight over this time, from its <c>RegisteredAt</c> (or from when it joined an established set, see <see cref="InitialMembersWindow"/>). Zero disables slow start.</summary>
    /// <value>30 s. Between 0 and 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SlowStartWindow { get; set; } = LoadBalancingConstants.DefaultSlowStartWindow;

    /// <summary>
    /// Endpoints that join within this time of the balancer's first endpoint are its initial members, not late joiners:
    /// they do not slow-start (unless their <c>RegisteredAt</c> says they are new). A new gRPC channel's subchannels turn
    /// Ready one by one and grpc-dotnet publishes a picker for each, so without this window every subchannel after the
    /// first ramps over <see cref="SlowStartWindow"/> and the first one takes nearly all the traffic.
    /// </summary>
    /// <value>5 s. Between 0 (every later endpoint is a late joiner) and 10 min.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan InitialMembersWindow { get; set; } = LoadBalancingConstants.DefaultInitialMembersWindow;

    /// <summary>The share of its weight a new endpoint starts with.</summary>
    /// <value>0.1 (Envoy's default minimum weight percent is 10). Between 0.01 and 1.</value>
    [Range(0.01, 1.0)]
    public double SlowStartInitialFactor { get; set; } = 0.1;

    /// <summary>With a server-reported CPU usage <c>cpu</c> in [0, 1], an endpoint's load is multiplied by <c>ServerCpuBias + cpu</c>: a bounded factor, so CPU refines the latency and in-flight signals instead of dominating them.</summary>
    /// <value>0.5 (an idle server's load counts half, a saturated one's 1.5 times). Between 0.05 and 10.</value>
    [Range(0.05, 10.0)]
    public double ServerCpuBias { get; set; } = 0.5;

    /// <summary>The exponent <c>k</c> of the latency term <c>(lagMs + ε)^k</c>: 1 is Finagle's linear cost, 0.5 kratos's square root (which leaves a 10× slower endpoint enough traffic to spoil p99; see <see cref="P2CBalancer{TEndpoint}"/>).</summary>
    /// <value>1. Between 0.1 and 2.</value>
    [Range(0.1, 2.0)]
    public double LatencyExponent { get; set; } = 1.0;
}
