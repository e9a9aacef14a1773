using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>
/// A grpc-dotnet resolver over Microsoft.Extensions.ServiceDiscovery: a channel whose address is
/// <c>https+http://_grpc.feed</c> (or <c>http+https://</c>, <c>redbook-http://</c>, <c>redbook-https://</c> for one scheme)
/// gets the endpoints <see cref="ServiceEndpointResolver"/> resolves for <c>https+http://_grpc.feed</c>
/// (<c>services:feed:grpc:*</c>, the etcd registry's <c>endpoints.grpc</c>), re-resolved whenever their change token fires.
/// Each address carries its scheme, colour, weight and registration time as attributes for the <c>redbook_p2c</c>
/// balancer. A service nobody knows (only the library's pass-through answer) fails the channel's calls with
/// UNAVAILABLE <c>REDBOOK_UNKNOWN_SERVICE</c> instead of becoming a DNS lookup.
/// </summary>
public sealed class ServiceDiscoveryResolverFactory : ResolverFactory
{
    /// <summary>The channel scheme of one-scheme queries: <c>redbook-http://_grpc.feed</c> resolves <c>http://_grpc.feed</c>.</summary>
    public const string SingleSchemePrefix = "redbook-";

    /// <summary>The channel schemes this resolver registers under.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["https+http", "http+https", SingleSchemePrefix + "http", SingleSchemePrefix + "https"];

    private readonly ServiceEndpointResolver _resolver;

    /// <summary>Creates the resolver factory of the channel scheme <paramref name="scheme"/>.</summary>
    public ServiceDiscoveryResolverFactory(string scheme, ServiceEndpointResolver resolver)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        ArgumentNullException.ThrowIfNull(resolver);
        Name = scheme;
        _resolver = resolver;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scheme = Name.StartsWith(SingleSchemePrefix, StringComparison.Ordinal) ? Name[SingleSchemePrefix.Length..] : Name;
        return new ServiceDiscoveryResolver(string.Concat(scheme, "://", options.Address.IdnHost), scheme.Split('+')[0], _resolver, options.LoggerFactory);
    }

    /// <summary>The query of a channel address, as the resolver sends it to service discovery.</summary>
    internal static string QueryOf(Uri channelAddress) =>
        (channelAddress.Scheme.StartsWith(SingleSchemePrefix, StringComparison.Ordinal) ? channelAddress.Scheme[SingleSchemePrefix.Length..] : channelAddress.Scheme) + "://" + channelAddress.IdnHost;
}

/// <summary>Resolves one query and re-resolves when service discovery says its endpoints changed.</summary>
internal sealed class ServiceDiscoveryResolver(string query, string defaultScheme, ServiceEndpointResolver resolver, ILoggerFactory loggerFactory)
    : PollingResolver(loggerFactory)
{
    private IDisposable? _changeRegistration;

    protected override async Task ResolveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var source = await resolver.GetEndpointsAsync(query, cancellationToken).ConfigureAwait(false);
            // One callback per resolved source: its token fires once, and Refresh resolves again, which gets a new source
            // with a new token. ChangeToken.OnChange would re-register on this same, already fired token, and recurse
            // until the stack overflows (what the first live configuration change did).
            Interlocked.Exchange(ref _changeRegistration, source.ChangeToken.RegisterChangeCallback(static state => ((ServiceDiscoveryResolver)state!).Refresh(), this))?.Dispose();
            var addresses = new List<BalancerAddress>(source.Endpoints.Count);
            foreach (var endpoint in source.Endpoints)
            {
                if (!endpoint.IsPassThrough() && endpoint.ToUri(defaultScheme) is { } uri)
                {
                    addresses.Add(ToAddress(endpoint, uri));
                }
            }

            Listener(addresses.Count > 0
                ? ResolverResult.ForResult(addresses)
                : ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"{WellKnownReasons.UnknownService}: no discovery provider knows '{query}'.")));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"Service discovery could not resolve '{query}': {ex.Message}", ex)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Interlocked.Exchange(ref _changeRegistration, null)?.Dispose();
        }
    }

    internal static BalancerAddress ToAddress(ServiceEndpoint endpoint, Uri uri)
    {
        var address = new BalancerAddress(uri.Host, uri.Port);
        address.Attributes.Set(GrpcAddressAttributes.Scheme, uri.Scheme);
        if (endpoint.GetInstance() is { } instance)
        {
            address.Attributes.Set(GrpcAddressAttributes.Weight, instance.Weight);
            if (instance.Color is { Length: > 0 } color)
            {
                address.Attributes.Set(GrpcAddressAttributes.Color, color);
            }

            if (instance.RegisteredAt is { } registeredAt)
            {
                address.Attributes.Set(GrpcAddressAttributes.RegisteredAt, registeredAt);
            }
        }

        return address;
    }
}

/// <summary>The attributes the resolver puts on each <see cref="BalancerAddress"/>.</summary>
public static class GrpcAddressAttributes
{
    /// <summary>The endpoint's scheme, <c>http</c> (h2c) or <c>https</c>.</summary>
    public static readonly BalancerAttributesKey<string> Scheme = new("redbook.scheme");

    /// <summary>The traffic colour the instance serves.</summary>
    public static readonly BalancerAttributesKey<string> Color = new("redbook.color");

    /// <summary>The instance's weight (1..1000).</summary>
    public static readonly BalancerAttributesKey<int> Weight = new("redbook.weight");

    /// <summary>When the instance registered (the start of its slow-start ramp).</summary>
    public static readonly BalancerAttributesKey<DateTimeOffset> RegisteredAt = new("redbook.registeredAt");
}
