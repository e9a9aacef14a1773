using System.Collections.Concurrent;
using Polly;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Everything one named client needs per request, built once from its options: the resilience pipeline, the
/// balancers per service (keyed by scheme, host and colour), and the options snapshot. A configuration change
/// makes <see cref="RedBookClientPipelines"/> build a new runtime; requests in flight finish on the old one.
/// </summary>
internal sealed class ClientRuntime
{
    private readonly ConcurrentDictionary<string, BalancerEntry> _balancers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Uri, string> _breakerKeys = new();
    private readonly ServiceEndpointResolver _resolver;
    private bool _stale;

    public ClientRuntime(string name, RedBookClientOptions options, ServiceEndpointResolver resolver, ClientPipelineParts parts)
    {
        Name = name;
        Options = options;
        _resolver = resolver;
        TimeProvider = parts.TimeProvider;
        CallerName = parts.CallerName;
        Telemetry = parts.Telemetry;
        Pipeline = ClientPipelineFactory.Build(this, parts);
    }

    public string Name { get; }

    /// <summary>Set when configuration reloaded; the next request checks whether this client's options changed.</summary>
    public bool Stale
    {
        get => Volatile.Read(ref _stale);
        set => Volatile.Write(ref _stale, value);
    }

    public RedBookClientOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public string CallerName { get; }

    public ClientTelemetry Telemetry { get; }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    /// <summary>
    /// The balancer over the endpoints of the service <paramref name="uri"/> names that may serve traffic of
    /// <paramref name="color"/> (<see cref="EndpointColorFilter"/>); null with the reason when there is none.
    /// One balancer per service and colour, rebuilt only when discovery publishes a new endpoint set.
    /// </summary>
    public IClientBalancer? GetBalancer(Uri uri, string? color, out RedBookError? error)
    {
        var set = _resolver.Resolve(uri);
        if (set.Endpoints.Count == 0)
        {
            error = new RedBookError(
                ErrorCode.Unavailable,
                WellKnownReasons.UnknownService,
                $"No discovery provider knows the service '{uri.IdnHost}' (scheme '{uri.Scheme}'). Add it to configuration as services:{uri.IdnHost}:http:0, register it in etcd, or check the client's address.");
            return null;
        }

        var key = string.IsNullOrEmpty(color) ? string.Concat(uri.Scheme, "://", uri.IdnHost) : string.Concat(uri.Scheme, "://", uri.IdnHost, "|", color);
        if (!_balancers.TryGetValue(key, out var entry) || !ReferenceEquals(entry.Source, set))
        {
            entry = _balancers.AddOrUpdate(
                key,
                static (_, s) => BalancerEntry.Create(s.Set, s.Color, null),
                static (_, existing, s) => ReferenceEquals(existing.Source, s.Set) ? existing : BalancerEntry.Create(s.Set, s.Color, existing),
                (Set: set, Color: color));
        }

        if (entry.Balancer is null)
        {
            error = new RedBookError(
                ErrorCode.Unavailable,
                WellKnownReasons.NoEndpoint,
                $"The service '{uri.IdnHost}' has {set.Endpoints.Count} endpoint(s), but none serves {(string.IsNullOrEmpty(color) ? "uncoloured traffic" : $"traffic coloured '{color}'")}.");
            return null;
        }

        error = null;
        return entry.Balancer;
    }

    /// <summary>The breaker key of <paramref name="endpoint"/> for this client: <c>{client}|{address}</c>, cached.</summary>
    public string BreakerKeyOf(ServiceEndpoint endpoint) =>
        _breakerKeys.GetOrAdd(endpoint.Address, static (address, name) => string.Concat(name, "|", address.GetLeftPart(UriPartial.Authority)), Name);

    private sealed class BalancerEntry(ServiceEndpointSet source, IClientBalancer? balancer)
    {
        public ServiceEndpointSet Source { get; } = source;

        public IClientBalancer? Balancer { get; } = balancer;

        public static BalancerEntry Create(ServiceEndpointSet source, string? color, BalancerEntry? previous)
        {
            _ = previous;
            var eligible = EndpointColorFilter.Filter(source.Endpoints, color);
            return new BalancerEntry(source, eligible.Count == 0 ? null : new RoundRobinBalancer(source with { Endpoints = eligible }));
        }
    }
}
