using System.Collections.Concurrent;
using Polly;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Everything one named client needs per request, built once from its options: the resilience pipeline and the
/// options snapshot; the balancers (per service and colour) and the breaker and retry-budget state live in
/// <see cref="ClientPipelineParts"/>, so they outlive a rebuild. A configuration change
/// makes <see cref="RedBookClientPipelines"/> build a new runtime; requests in flight finish on the old one.
/// </summary>
internal sealed class ClientRuntime
{
    private readonly ConcurrentDictionary<Uri, string> _breakerKeys = new();
    private readonly ClientBalancerCache _balancers;
    private readonly ClientPipelineParts _parts;
    private ResiliencePipeline? _grpcPipeline;
    private bool _stale;

    public ClientRuntime(string name, RedBookClientOptions options, ClientPipelineParts parts)
    {
        Name = name;
        Options = options;
        _parts = parts;
        _balancers = parts.Balancers;
        TimeProvider = parts.TimeProvider;
        CallerName = parts.CallerName;
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

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    /// <summary>The pipeline of this client's gRPC calls (deadline, retry of idempotent methods, breaker), built on first use.</summary>
    public ResiliencePipeline GrpcPipeline => Volatile.Read(ref _grpcPipeline) ?? InitGrpcPipeline();

    private ResiliencePipeline InitGrpcPipeline()
    {
        Interlocked.CompareExchange(ref _grpcPipeline, ClientPipelineFactory.BuildGrpc(this, _parts), null);
        return _grpcPipeline!;
    }

    /// <summary>The balancer for <paramref name="uri"/> and <paramref name="color"/> under this client's policy, or the error when there is none.</summary>
    public ValueTask<BalancerLookup> GetBalancerAsync(Uri uri, string? color, CancellationToken cancellationToken) =>
        _balancers.GetAsync(Name, Options.LoadBalancing.Policy, uri, color, cancellationToken);

    /// <summary>The breaker key of the endpoint at <paramref name="address"/> for this client: <c>{client}|{address}</c>, cached.</summary>
    public string BreakerKeyOf(Uri address) =>
        _breakerKeys.GetOrAdd(address, static (a, name) => string.Concat(name, "|", a.GetLeftPart(UriPartial.Authority)), Name);
}
