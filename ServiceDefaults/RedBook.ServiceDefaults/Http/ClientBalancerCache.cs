using System.Collections.Concurrent;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// The balancers of every client: one per client, policy, service and traffic colour, fed by Microsoft.Extensions.ServiceDiscovery's
/// <see cref="ServiceEndpointResolver"/>. A balancer is updated in place (<see cref="ILoadBalancer{TEndpoint}.UpdateEndpoints"/>) only
/// when the resolver publishes a new <see cref="ServiceEndpointSource"/>, so endpoints that stay keep their latency, success and
/// in-flight statistics, and new ones slow-start. It lives for the application, not for one pipeline build, so a configuration
/// reload does not forget what the balancer learnt.
/// </summary>
internal sealed class ClientBalancerCache(LoadBalancerFactory factory, ServiceEndpointResolver resolver, TimeProvider timeProvider) : IDisposable
{
    private readonly ConcurrentDictionary<EntryKey, Entry> _entries = new(EntryKeyComparer.Instance);

    // What a logical address's scheme and host give, computed once instead of per request.
    private readonly ConcurrentDictionary<(string Scheme, string Host), Logical> _logical = new();

    /// <summary>
    /// The balancer over the endpoints of the service <paramref name="uri"/> names that may serve traffic of <paramref name="color"/>
    /// (<see cref="EndpointColorFilter"/>), with the scheme of endpoints that have none; or the error to fail the call with, when no
    /// provider knows the service (only the library's pass-through answer came back), resolution failed, or none of its endpoints
    /// serves the colour.
    /// </summary>
    public async ValueTask<BalancerLookup> GetAsync(string client, LoadBalancingPolicy policy, Uri uri, string? color, CancellationToken cancellationToken)
    {
        var scheme = uri.Scheme;
        var host = uri.IdnHost;
        if (!_logical.TryGetValue((scheme, host), out var logical))
        {
            logical = _logical.GetOrAdd((scheme, host), static (_, u) => new Logical(ServiceAddress.QueryOf(u), ServiceAddress.SchemesOf(u)[0]), uri);
        }

        ServiceEndpointSource source;
        try
        {
            source = await resolver.GetEndpointsAsync(logical.Query, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new BalancerLookup(null, new RedBookError(
                ErrorCode.Unavailable,
                WellKnownReasons.UnknownService,
                $"Service discovery could not resolve '{logical.Query}': {ex.Message}"), null);
        }

        if (!HasRegisteredEndpoint(source.Endpoints))
        {
            var service = ServiceAddress.ServiceNameOf(uri);
            return new BalancerLookup(null, new RedBookError(
                ErrorCode.Unavailable,
                WellKnownReasons.UnknownService,
                $"No discovery provider knows the service '{uri.IdnHost}' (scheme '{uri.Scheme}'). Add it to configuration as services:{service}:http:0, register it in etcd, or check the client's address."), null);
        }

        var key = new EntryKey(client, policy, scheme, host, color ?? string.Empty);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = _entries.GetOrAdd(key, static (_, s) => new Entry(s.Self.Create(s.Policy, s.Service)), (Self: this, Policy: policy, Service: ServiceAddress.ServiceNameOf(uri)));
        }

        var eligible = entry.Refresh(source, color);
        if (eligible == 0)
        {
            return new BalancerLookup(null, new RedBookError(
                ErrorCode.Unavailable,
                LoadBalancingConstants.NoEndpointsReason,
                $"The service '{uri.IdnHost}' has {source.Endpoints.Count} endpoint(s), but none serves {(string.IsNullOrEmpty(color) ? "uncoloured traffic" : $"traffic coloured '{color}'")}."), null);
        }

        return new BalancerLookup(entry.Balancer, null, logical.DefaultScheme);
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            (entry.Balancer as IDisposable)?.Dispose();
        }

        _entries.Clear();
    }

    /// <summary>True when a provider other than the library's pass-through answered (an unknown service must not become a DNS lookup).</summary>
    private static bool HasRegisteredEndpoint(IReadOnlyList<ServiceEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (!endpoint.IsPassThrough())
            {
                return true;
            }
        }

        return false;
    }

    private ILoadBalancer<ServiceEndpoint> Create(LoadBalancingPolicy policy, string serviceName) => policy == LoadBalancingPolicy.RoundRobin
        ? new RoundRobinBalancer<ServiceEndpoint>(serviceName, timeProvider)
        : factory.CreateP2C<ServiceEndpoint>(serviceName);

    /// <summary>The resolver's query for a logical address and the scheme its host or IP endpoints take (the most preferred one).</summary>
    private sealed record Logical(string Query, string DefaultScheme);

    /// <summary>One balancer per client, policy, scheme, host and colour (names compared ignoring case).</summary>
    private readonly record struct EntryKey(string Client, LoadBalancingPolicy Policy, string Scheme, string Host, string Color);

    private sealed class EntryKeyComparer : IEqualityComparer<EntryKey>
    {
        public static readonly EntryKeyComparer Instance = new();

        public bool Equals(EntryKey x, EntryKey y) =>
            x.Policy == y.Policy
            && string.Equals(x.Client, y.Client, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Scheme, y.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Color, y.Color, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(EntryKey key) => HashCode.Combine(
            key.Policy,
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Client),
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Scheme),
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Host),
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Color));
    }

    private sealed class Entry(ILoadBalancer<ServiceEndpoint> balancer)
    {
        private readonly Lock _gate = new();
        private ServiceEndpointSource? _source;
        private int _eligible;

        public ILoadBalancer<ServiceEndpoint> Balancer { get; } = balancer;

        /// <summary>Feeds the balancer the eligible endpoints of <paramref name="source"/> if it has not seen this source yet; returns their count.</summary>
        public int Refresh(ServiceEndpointSource source, string? color)
        {
            if (ReferenceEquals(Volatile.Read(ref _source), source))
            {
                return Volatile.Read(ref _eligible);
            }

            lock (_gate)
            {
                if (!ReferenceEquals(_source, source))
                {
                    var eligible = EndpointColorFilter.Filter(source.Endpoints, color);
                    Balancer.UpdateEndpoints(eligible);
                    Volatile.Write(ref _eligible, eligible.Count);
                    Volatile.Write(ref _source, source);
                }

                return _eligible;
            }
        }
    }
}

/// <summary>
/// The balancer of a logical address and the scheme its host or IP endpoints take (the address's most preferred one), or
/// the error to fail the call with.
/// </summary>
internal readonly record struct BalancerLookup(ILoadBalancer<ServiceEndpoint>? Balancer, RedBookError? Error, string? DefaultScheme);
