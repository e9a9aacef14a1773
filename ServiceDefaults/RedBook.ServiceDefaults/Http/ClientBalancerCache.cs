using System.Collections.Concurrent;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// The balancers of every client: one per client, policy, service and traffic colour, fed by the resolver. A balancer
/// is updated in place (<see cref="ILoadBalancer{TEndpoint}.UpdateEndpoints"/>) only when discovery publishes a new
/// endpoint set, so endpoints that stay keep their latency, success and in-flight statistics, and new ones slow-start.
/// It lives for the application, not for one pipeline build, so a configuration reload does not forget what the
/// balancer learnt.
/// </summary>
internal sealed class ClientBalancerCache(LoadBalancerFactory factory, ServiceEndpointResolver resolver, TimeProvider timeProvider) : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The balancer over the endpoints of the service <paramref name="uri"/> names that may serve traffic of
    /// <paramref name="color"/> (<see cref="EndpointColorFilter"/>); null, with the error to fail the call with, when
    /// no provider knows the service or none of its endpoints serves the colour.
    /// </summary>
    public ILoadBalancer<ServiceEndpoint>? Get(string client, LoadBalancingPolicy policy, Uri uri, string? color, out RedBookError? error)
    {
        var set = resolver.Resolve(uri);
        if (set.Endpoints.Count == 0)
        {
            error = new RedBookError(
                ErrorCode.Unavailable,
                WellKnownReasons.UnknownService,
                $"No discovery provider knows the service '{uri.IdnHost}' (scheme '{uri.Scheme}'). Add it to configuration as services:{uri.IdnHost}:http:0, register it in etcd, or check the client's address.");
            return null;
        }

        var key = string.Join('\n', client, policy == LoadBalancingPolicy.RoundRobin ? "rr" : "p2c", uri.Scheme, uri.IdnHost, color ?? string.Empty);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = _entries.GetOrAdd(key, static (_, s) => new Entry(s.Self.Create(s.Policy, s.Service)), (Self: this, Policy: policy, Service: set.ServiceName));
        }

        var eligible = entry.Refresh(set, color);
        if (eligible == 0)
        {
            error = new RedBookError(
                ErrorCode.Unavailable,
                LoadBalancingConstants.NoEndpointsReason,
                $"The service '{uri.IdnHost}' has {set.Endpoints.Count} endpoint(s), but none serves {(string.IsNullOrEmpty(color) ? "uncoloured traffic" : $"traffic coloured '{color}'")}.");
            return null;
        }

        error = null;
        return entry.Balancer;
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            (entry.Balancer as IDisposable)?.Dispose();
        }

        _entries.Clear();
    }

    private ILoadBalancer<ServiceEndpoint> Create(LoadBalancingPolicy policy, string serviceName) => policy == LoadBalancingPolicy.RoundRobin
        ? new RoundRobinBalancer<ServiceEndpoint>(serviceName, timeProvider)
        : factory.CreateP2C<ServiceEndpoint>(serviceName);

    private sealed class Entry(ILoadBalancer<ServiceEndpoint> balancer)
    {
        private readonly Lock _gate = new();
        private ServiceEndpointSet? _source;
        private int _eligible;

        public ILoadBalancer<ServiceEndpoint> Balancer { get; } = balancer;

        /// <summary>Feeds the balancer the eligible endpoints of <paramref name="set"/> if it has not seen this set yet; returns their count.</summary>
        public int Refresh(ServiceEndpointSet set, string? color)
        {
            if (ReferenceEquals(Volatile.Read(ref _source), set))
            {
                return Volatile.Read(ref _eligible);
            }

            lock (_gate)
            {
                if (!ReferenceEquals(_source, set))
                {
                    var eligible = EndpointColorFilter.Filter(set.Endpoints, color);
                    Balancer.UpdateEndpoints(eligible);
                    Volatile.Write(ref _eligible, eligible.Count);
                    Volatile.Write(ref _source, set);
                }

                return _eligible;
            }
        }
    }
}
