namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>Names and defaults of RedBook's client-side load balancing.</summary>
public static class LoadBalancingConstants
{
    /// <summary>The configuration section: <c>RedBook:LoadBalancing</c> for every service, <c>RedBook:LoadBalancing:{service}</c> to override one.</summary>
    public const string ConfigurationSection = "RedBook:LoadBalancing";

    /// <summary>
    /// The response header (gRPC: trailer) in which a server reports its CPU usage, an integer in per mille
    /// (0-1000), the unit the BBR limiter uses. The P2C balancer reads it through <see cref="PickFeedback.ParseServerCpu"/>.
    /// </summary>
    public const string ServerCpuHeader = "x-redbook-cpu";

    /// <summary>The reason of the error a caller raises when a balancer has no endpoint to pick (code Unavailable).</summary>
    public const string NoEndpointsReason = "REDBOOK_NO_ENDPOINTS";

    /// <summary>The smallest endpoint weight; lower values are clamped up.</summary>
    public const int MinWeight = 1;

    /// <summary>The largest endpoint weight; higher values are clamped down.</summary>
    public const int MaxWeight = 1000;

    /// <summary>The default EWMA decay time (tau) of latency, success and CPU: 600 ms, as kratos.</summary>
    public static readonly TimeSpan DefaultDecayTime = TimeSpan.FromMilliseconds(600);

    /// <summary>The default starvation interval after which the losing endpoint is force-picked: 3 s, as kratos.</summary>
    public static readonly TimeSpan DefaultForcePickInterval = TimeSpan.FromSeconds(3);

    /// <summary>The default latency offset added before the square root: 5 ms, as kratos (absorbs cross-zone gaps).</summary>
    public static readonly TimeSpan DefaultLatencyOffset = TimeSpan.FromMilliseconds(5);

    /// <summary>The default slow-start window: 30 s.</summary>
    public static readonly TimeSpan DefaultSlowStartWindow = TimeSpan.FromSeconds(30);

    /// <summary>The default initial-members window of <see cref="P2CBalancerOptions.InitialMembersWindow"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultInitialMembersWindow = TimeSpan.FromSeconds(5);

    /// <summary>The metric tag naming the balanced service.</summary>
    internal const string ServiceTag = "redbook.lb.service";

    /// <summary>The metric tag naming the endpoint (its key).</summary>
    internal const string EndpointTag = "redbook.lb.endpoint";

    /// <summary>The metric tag naming the policy (<c>p2c</c>, <c>round_robin</c>).</summary>
    internal const string PolicyTag = "redbook.lb.policy";
}
