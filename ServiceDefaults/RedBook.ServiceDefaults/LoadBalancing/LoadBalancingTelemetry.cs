using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>A balancer whose per-endpoint counters the observable instruments read.</summary>
internal interface ILoadBalancerTelemetrySource
{
    string Policy { get; }

    void Collect(List<Measurement<long>> picks, List<Measurement<long>> forcedPicks, List<Measurement<long>> inFlight);
}

/// <summary>
/// The load-balancing instruments on <see cref="RedBookDiagnostics.Meter"/>. They are observable: the hot path only
/// bumps the per-endpoint counters it keeps anyway, and a collection walks the live balancers (held weakly, so a
/// dropped balancer disappears from the metrics).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>redbook.lb.picks</c> (counter, <c>{pick}</c>): picks per endpoint.</item>
/// <item><c>redbook.lb.forced_picks</c> (counter, <c>{pick}</c>): force-picks of starved endpoints.</item>
/// <item><c>redbook.lb.in_flight</c> (up-down counter, <c>{call}</c>): calls picked and not completed.</item>
/// </list>
/// Tags: <c>redbook.lb.service</c>, <c>redbook.lb.endpoint</c>, <c>redbook.lb.policy</c>.
/// </remarks>
internal static class LoadBalancingTelemetry
{
    private static readonly Lock s_gate = new();
    private static readonly List<WeakReference<ILoadBalancerTelemetrySource>> s_sources = [];

    static LoadBalancingTelemetry()
    {
        RedBookDiagnostics.Meter.CreateObservableCounter("redbook.lb.picks", static () => Observe(0), "{pick}", "Picks per endpoint by the client-side load balancer.");
        RedBookDiagnostics.Meter.CreateObservableCounter("redbook.lb.forced_picks", static () => Observe(1), "{pick}", "Force-picks of starved endpoints by the P2C balancer.");
        RedBookDiagnostics.Meter.CreateObservableUpDownCounter("redbook.lb.in_flight", static () => Observe(2), "{call}", "Calls picked by the load balancer and not yet completed.");
    }

    public static void Register(ILoadBalancerTelemetrySource source)
    {
        lock (s_gate)
        {
            s_sources.Add(new WeakReference<ILoadBalancerTelemetrySource>(source));
        }
    }

    public static void CollectNodes<TEndpoint>(
        EndpointNode<TEndpoint>[] nodes,
        string service,
        string policy,
        List<Measurement<long>> picks,
        List<Measurement<long>> forcedPicks,
        List<Measurement<long>> inFlight)
        where TEndpoint : class
    {
        foreach (var node in nodes)
        {
            var tags = new[]
            {
                new KeyValuePair<string, object?>(LoadBalancingConstants.ServiceTag, service),
                new KeyValuePair<string, object?>(LoadBalancingConstants.EndpointTag, node.Key),
                new KeyValuePair<string, object?>(LoadBalancingConstants.PolicyTag, policy),
            };
            picks.Add(new Measurement<long>(Volatile.Read(ref node.Picks), tags));
            forcedPicks.Add(new Measurement<long>(Volatile.Read(ref node.ForcedPicks), tags));
            inFlight.Add(new Measurement<long>(Math.Max(0L, Volatile.Read(ref node.InFlight)), tags));
        }
    }

    private static List<Measurement<long>> Observe(int which)
    {
        var picks = new List<Measurement<long>>();
        var forced = new List<Measurement<long>>();
        var inFlight = new List<Measurement<long>>();
        lock (s_gate)
        {
            for (var i = s_sources.Count - 1; i >= 0; i--)
            {
                if (s_sources[i].TryGetTarget(out var source))
                {
                    source.Collect(picks, forced, inFlight);
                }
                else
                {
                    s_sources.RemoveAt(i);
                }
            }
        }

        return which switch
        {
            0 => picks,
            1 => forced,
            _ => inFlight,
        };
    }
}
