using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Primitives;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// Resolves a logical service address (<c>http://feed</c>, <c>https+http://feed</c>, <c>http://_grpc.feed</c>) to
/// the endpoints every registered <see cref="IServiceDiscoveryProvider"/> reports, merged and de-duplicated by
/// address. The merged set is cached per address and recomputed only after a provider's change token fires, and
/// a new <see cref="ServiceEndpointSet"/> is published only when the endpoints really changed, so a balancer keyed
/// on the set keeps its state across unrelated reloads.
/// </summary>
public sealed class ServiceEndpointResolver : IDisposable
{
    private readonly IServiceDiscoveryProvider[] _providers;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    /// <summary>Creates a resolver over <paramref name="providers"/>, consulted in registration order.</summary>
    public ServiceEndpointResolver(IEnumerable<IServiceDiscoveryProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = [.. providers];
    }

    /// <summary>
    /// True when <paramref name="uri"/> names a logical service rather than a concrete host: its scheme lists
    /// alternatives (<c>https+http</c>), or its host is a single label that is neither an IP address nor
    /// <c>localhost</c> (<c>feed</c>, <c>_grpc.feed</c>). Requests to concrete hosts pass through unresolved.
    /// </summary>
    public static bool IsLogicalAddress(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }

        if (uri.Scheme.Contains('+', StringComparison.Ordinal))
        {
            return true;
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        var host = uri.IdnHost;
        if (host.Length == 0 || uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out _))
        {
            return false;
        }

        return host.StartsWith('_') || !host.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>The schemes a logical address accepts, most preferred first (<c>https+http</c> → https, http).</summary>
    public static string[] SchemesOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// Resolves the service addressed by <paramref name="uri"/> (its scheme and host; the path is ignored). The
    /// set is empty when no provider knows the service under any of the accepted schemes.
    /// </summary>
    public ServiceEndpointSet Resolve(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = string.Concat(uri.Scheme, "://", uri.IdnHost);
        var entry = _cache.GetOrAdd(key, static (k, state) => new Entry(state.Self, state.Uri), (Self: this, Uri: uri));
        return entry.Current();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        foreach (var entry in _cache.Values)
        {
            entry.Dispose();
        }

        _cache.Clear();
    }

    private List<ServiceEndpoint> Merge(string serviceName, string[] schemes)
    {
        var merged = new List<ServiceEndpoint>();
        foreach (var scheme in schemes)
        {
            foreach (var provider in _providers)
            {
                foreach (var endpoint in provider.GetEndpoints(serviceName))
                {
                    if (!string.Equals(endpoint.Address.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var index = merged.FindIndex(e => e.Address == endpoint.Address);
                    if (index < 0)
                    {
                        merged.Add(endpoint);
                    }
                    else if (Richness(endpoint) > Richness(merged[index]))
                    {
                        merged[index] = endpoint; // the registry's entry carries colour, zone and version; keep it.
                    }
                }
            }

            if (merged.Count > 0)
            {
                break; // the most preferred scheme that has endpoints wins (https+http: https when there is one).
            }
        }

        return merged;
    }

    private static int Richness(ServiceEndpoint e) =>
        (e.Color is null ? 0 : 1) + (e.Zone is null ? 0 : 1) + (e.Version is null ? 0 : 1) + (e.RegisteredAt is null ? 0 : 1);

    private sealed class Entry : IDisposable
    {
        private readonly ServiceEndpointResolver _owner;
        private readonly string _serviceName;
        private readonly string[] _schemes;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly Lock _gate = new();
        private volatile bool _stale = true;
        private ServiceEndpointSet _current;

        public Entry(ServiceEndpointResolver owner, Uri uri)
        {
            _owner = owner;
            _serviceName = uri.IdnHost;
            _schemes = SchemesOf(uri);
            _current = new ServiceEndpointSet(_serviceName, [], 0);
            foreach (var provider in owner._providers)
            {
                _subscriptions.Add(ChangeToken.OnChange(() => provider.GetChangeToken(_serviceName), () => _stale = true));
            }
        }

        public ServiceEndpointSet Current()
        {
            if (!_stale)
            {
                return _current;
            }

            lock (_gate)
            {
                if (_stale)
                {
                    _stale = false; // cleared before reading, so a change during the merge is seen next time.
                    var merged = _owner.Merge(_serviceName, _schemes);
                    if (!_current.Endpoints.SequenceEqual(merged))
                    {
                        _current = new ServiceEndpointSet(_serviceName, merged, _current.Version + 1);
                    }
                }

                return _current;
            }
        }

        public void Dispose()
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }
        }
    }
}

/// <summary>
/// An immutable snapshot of a service's endpoints. A new instance (with a higher <see cref="Version"/>) is published
/// only when the endpoints change.
/// </summary>
/// <param name="ServiceName">The logical service name.</param>
/// <param name="Endpoints">The endpoints, merged across providers.</param>
/// <param name="Version">Increases by one with every change.</param>
public sealed record ServiceEndpointSet(string ServiceName, IReadOnlyList<ServiceEndpoint> Endpoints, long Version);
