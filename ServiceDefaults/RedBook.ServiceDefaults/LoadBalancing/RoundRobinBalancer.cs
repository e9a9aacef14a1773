using System.Diagnostics.Metrics;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// Plain round robin over the same dynamic endpoint set: the baseline the P2C balancer is measured against
/// (simulation and benchmarks). It ignores weights, latency and failures; it only counts picks and in-flight calls.
/// </summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
public sealed class RoundRobinBalancer<TEndpoint> : ILoadBalancer<TEndpoint>, ILoadBalancerTelemetrySource
    where TEndpoint : class
{
    private readonly EndpointSet<TEndpoint> _set = new();
    private readonly TimeProvider _timeProvider;
    private long _next;

    /// <summary>Creates the balancer.</summary>
    /// <param name="name">The balanced service's name (a metric tag).</param>
    /// <param name="timeProvider">The clock (pick timestamps); <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="start">The index of the first pick (a seed for simulations, so clients do not march in step).</param>
    public RoundRobinBalancer(string name, TimeProvider? timeProvider = null, int start = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        Name = name;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _next = start - 1;
        LoadBalancingTelemetry.Register(this);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count => _set.Nodes.Length;

    string ILoadBalancerTelemetrySource.Policy => "round_robin";

    /// <inheritdoc />
    public PickResult<TEndpoint> Pick() => Pick(_timeProvider.GetTimestamp());

    /// <inheritdoc />
    public PickResult<TEndpoint> Pick(long timestamp) => Pick(timestamp, count: true);

    /// <inheritdoc />
    public PickResult<TEndpoint> PickUnstarted() => Pick(_timeProvider.GetTimestamp(), count: false);

    /// <inheritdoc />
    public void Start(in PickResult<TEndpoint> pick)
    {
        if (!pick.IsCounted && pick.Node is { } node)
        {
            Interlocked.Increment(ref node.InFlight);
        }
    }

    /// <inheritdoc />
    public void Complete(in PickResult<TEndpoint> pick, in PickFeedback feedback)
    {
        if (pick.Node is { } node)
        {
            Interlocked.Decrement(ref node.InFlight);
        }
    }

    private PickResult<TEndpoint> Pick(long timestamp, bool count)
    {
        var nodes = _set.Nodes;
        if (nodes.Length == 0)
        {
            return default;
        }

        var index = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)nodes.Length);
        var node = nodes[index];
        if (count)
        {
            Interlocked.Increment(ref node.InFlight);
        }

        Interlocked.Increment(ref node.Picks);
        return new PickResult<TEndpoint>(node, timestamp, forced: false, count);
    }

    /// <inheritdoc />
    public void UpdateEndpoints(ReadOnlySpan<BalancerEndpoint<TEndpoint>> endpoints) => _set.Update(endpoints, _timeProvider);

    /// <inheritdoc />
    public IReadOnlyList<EndpointSnapshot<TEndpoint>> GetSnapshot()
    {
        var nodes = _set.Nodes;
        var result = new EndpointSnapshot<TEndpoint>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            var n = nodes[i];
            result[i] = new EndpointSnapshot<TEndpoint>(
                n.Value, n.Key, n.Weight, Volatile.Read(ref n.InFlight), Volatile.Read(ref n.Picks), 0, TimeSpan.Zero, 1.0, double.NaN, 1.0, 0.0);
        }

        return result;
    }

    void ILoadBalancerTelemetrySource.Collect(List<Measurement<long>> picks, List<Measurement<long>> forcedPicks, List<Measurement<long>> inFlight)
        => LoadBalancingTelemetry.CollectNodes(_set.Nodes, Name, "round_robin", picks, forcedPicks, inFlight);
}
