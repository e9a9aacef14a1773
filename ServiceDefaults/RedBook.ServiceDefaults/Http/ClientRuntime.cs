using System.Runtime.CompilerServices;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Everything one named client needs per request, built once from its options: the resilience pipeline and the
/// options snapshot; the balancers (per service and colour) and the breaker and retry-budget state live in
/// <see cref="ClientPipelineParts"/>, so they outlive a rebuild. A configuration change
/// makes <see cref="RedBookClientPipelines"/> build a new runtime; requests in flight finish on the old one.
/// </summary>
internal sealed class ClientRuntime
{
    // Per resolved endpoint object (a refresh publishes new ones, so entries go with the endpoints they describe).
    private readonly ConditionalWeakTable<ServiceEndpoint, EndpointTarget> _targets = new();
    private readonly ClientBalancerCache _balancers;
    private readonly ClientPipelineParts _parts;
    private ResiliencePipeline? _grpcPipeline;
    private bool _stale;

    /// <summary>
    /// What the unnamed client (<c>IHttpClientFactory.CreateClient()</c>, or a typed client without a name) is called in
    /// its retry budget, breaker, metrics and traces; its options are still the unnamed ones (<c>RedBook:Clients:Defaults</c>).
    /// </summary>
    public const string UnnamedClientName = "default";

    public ClientRuntime(string name, RedBookClientOptions options, ClientPipelineParts parts)
    {
        Name = string.IsNullOrEmpty(name) ? UnnamedClientName : name;
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

    /// <summary>
    /// Where an attempt to <paramref name="endpoint"/> goes: its base address (with <paramref name="defaultScheme"/> for a
    /// host or IP endpoint, <see cref="ServiceEndpointExtensions.ToUri"/>) and its breaker key for this client,
    /// <c>{client}|{scheme://host:port}</c>. Built once per resolved endpoint instead of once per attempt; null when the
    /// endpoint is not an address.
    /// </summary>
    public EndpointTarget? TargetOf(ServiceEndpoint endpoint, string defaultScheme)
    {
        if (_targets.TryGetValue(endpoint, out var target) && ReferenceEquals(target.DefaultScheme, defaultScheme))
        {
            return target;
        }

        if (endpoint.ToUri(defaultScheme) is not { } address)
        {
            return null;
        }

        target = new EndpointTarget(address, string.Concat(Name, "|", address.GetLeftPart(UriPartial.Authority)), defaultScheme);
        _targets.AddOrUpdate(endpoint, target);
        return target;
    }
}

/// <summary>The base address an endpoint's attempts are sent to, and the key of its breaker.</summary>
internal sealed record EndpointTarget(Uri Address, string BreakerKey, string DefaultScheme);
