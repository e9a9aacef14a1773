using System.Collections.Concurrent;
using Polly;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Everything one named client needs per request, built once from its options: the resilience pipeline, the
/// balancers per service (keyed by scheme, host and colour), and the options snapshot. A configuration change
/// makes <see cref="RedBookClientPipelines"/> build a new runtime; requests in flight finish on the old one.
/// </summary>
internal sealed class ClientRuntime
{
    private readonly ConcurrentDictionary<string, IClientBalancer> _balancers = new(StringComparer.OrdinalIgnoreCase);
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

    /// <summary>The balancer over the current endpoints of the service <paramref name="uri"/> names, or null when no provider knows it.</summary>
    public IClientBalancer? GetBalancer(Uri uri)
    {
        var set = _resolver.Resolve(uri);
        if (set.Endpoints.Count == 0)
        {
            return null;
        }

        var key = string.Concat(uri.Scheme, "://", uri.IdnHost);
        if (_balancers.TryGetValue(key, out var balancer) && ReferenceEquals(balancer.Endpoints, set))
        {
            return balancer;
        }

        return _balancers.AddOrUpdate(
            key,
            static (_, s) => CreateBalancer(s),
            static (_, existing, s) => ReferenceEquals(existing.Endpoints, s) ? existing : CreateBalancer(s),
            set);
    }

    private static RoundRobinBalancer CreateBalancer(ServiceEndpointSet set) => new(set);
}
