namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>A point-in-time view of one endpoint's statistics.</summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Key">Its key.</param>
/// <param name="Weight">Its configured weight (clamped to 1..1000).</param>
/// <param name="InFlight">Calls picked and not yet completed.</param>
/// <param name="Picks">Picks since the endpoint joined.</param>
/// <param name="ForcedPicks">Forced picks (starvation) since the endpoint joined.</param>
/// <param name="Latency">The latency EWMA; zero before the first completion.</param>
/// <param name="SuccessRate">The success EWMA in [0, 1]; 1 before the first completion.</param>
/// <param name="ServerCpu">The server CPU EWMA in [0, 1]; NaN when never reported.</param>
/// <param name="SlowStartFactor">The current slow-start multiplier in (0, 1]; 1 when ramped up.</param>
/// <param name="Score">The current P2C score (higher is better); 0 for balancers that do not score.</param>
public readonly record struct EndpointSnapshot<TEndpoint>(
    TEndpoint Endpoint,
    string Key,
    int Weight,
    long InFlight,
    long Picks,
    long ForcedPicks,
    TimeSpan Latency,
    double SuccessRate,
    double ServerCpu,
    double SlowStartFactor,
    double Score)
    where TEndpoint : class;
