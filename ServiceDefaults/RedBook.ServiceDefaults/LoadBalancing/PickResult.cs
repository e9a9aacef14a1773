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
    internal PickResult(EndpointNode<TEndpoint> node, long startTimestamp, bool forced, bool counted = true, bool settled = true)
    {
        IsSettled = settled;
        Node = node;
        Endpoint = node.Value;
        StartTimestamp = startTimestamp;
        IsForced = forced;
        IsCounted = counted;
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

    /// <summary>False for a pick of <see cref="ILoadBalancer{TEndpoint}.PickUnstarted"/>: its call is counted in flight by <see cref="ILoadBalancer{TEndpoint}.Start"/>.</summary>
    internal bool IsCounted { get; }

    /// <summary>False when the pick was made while some endpoint of the balancer was setting up its connection: its latency is no sample.</summary>
    internal bool IsSettled { get; }
}
