namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// The outcome of <see cref="ILoadBalancer{TEndpoint}.Pick()"/>: the chosen endpoint and the completion token (the
/// endpoint's statistics and the pick's start timestamp). A struct, so picking allocates nothing. Pass it back to
/// <see cref="ILoadBalancer{TEndpoint}.Complete(in PickResult{TEndpoint}, in PickFeedback)"/> exactly once.
/// </summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
public readonly struct PickResult<TEndpoint>
    where TEndpoint : class
{
    internal PickResult(EndpointNode<TEndpoint> node, long startTimestamp, bool forced)
    {
        Node = node;
        Endpoint = node.Value;
        StartTimestamp = startTimestamp;
        IsForced = forced;
    }

    /// <summary>The chosen endpoint, or null when the balancer had no endpoints.</summary>
    public TEndpoint? Endpoint { get; }

    /// <summary>True when an endpoint was chosen.</summary>
    public bool HasEndpoint => Node is not null;

    /// <summary>The endpoint's key, or null when none was chosen.</summary>
    public string? Key => Node?.Key;

    /// <summary>True when the endpoint was force-picked because it had been starved (not picked for the force-pick interval).</summary>
    public bool IsForced { get; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value at the pick; the latency is measured from here.</summary>
    public long StartTimestamp { get; }

    internal EndpointNode<TEndpoint>? Node { get; }
}
