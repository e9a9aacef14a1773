using System.Globalization;
using System.Net;
using Microsoft.Extensions.ServiceDiscovery;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>Reads RedBook's metadata and the address of a resolved <see cref="ServiceEndpoint"/>.</summary>
public static class ServiceEndpointExtensions
{
    /// <summary>The registry's metadata of <paramref name="endpoint"/>, or null when a provider without metadata resolved it.</summary>
    public static ServiceInstanceFeature? GetInstance(this ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Features.Get<ServiceInstanceFeature>();
    }

    /// <summary>The traffic colour <paramref name="endpoint"/> serves; null for uncoloured instances.</summary>
    public static string? GetColor(this ServiceEndpoint endpoint) => endpoint.GetInstance()?.Color is { Length: > 0 } color ? color : null;

    /// <summary>The relative weight of <paramref name="endpoint"/> (100 without registry metadata).</summary>
    public static int GetWeight(this ServiceEndpoint endpoint) => endpoint.GetInstance()?.Weight ?? ServiceInstanceFeature.DefaultWeight;

    /// <summary>
    /// The base address of <paramref name="endpoint"/>: a URI endpoint's scheme and authority, or
    /// <c>{defaultScheme}://host:port</c> for a host or IP endpoint. Null for any other kind of endpoint.
    /// </summary>
    public static Uri? ToUri(this ServiceEndpoint endpoint, string defaultScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultScheme);
        return endpoint.EndPoint switch
        {
            UriEndPoint uri => new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + (uri.Uri.AbsolutePath.Length > 1 ? uri.Uri.AbsolutePath : string.Empty), UriKind.Absolute),
            DnsEndPoint dns => new UriBuilder(defaultScheme, dns.Host, dns.Port > 0 ? dns.Port : -1).Uri,
            IPEndPoint ip => new UriBuilder(defaultScheme, ip.Address.ToString(), ip.Port).Uri,
            _ => null,
        };
    }

    /// <summary>
    /// The key balancers track <paramref name="endpoint"/> under: its address (<c>http://10.0.0.4:8080</c>, or
    /// <c>10.0.0.4:8080</c> for a scheme-less endpoint), so statistics follow an address across refreshes.
    /// </summary>
    public static string AddressKey(this ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.EndPoint switch
        {
            UriEndPoint uri => uri.Uri.GetLeftPart(UriPartial.Authority),
            DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
            _ => endpoint.EndPoint.ToString() ?? string.Empty,
        };
    }

    /// <summary>
    /// True when <paramref name="endpoint"/> is the library's pass-through answer (the query's own host, added when
    /// no provider knew the service), not an instance anybody registered.
    /// </summary>
    public static bool IsPassThrough(this ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Features.Get<IServiceEndpointProvider>()?.GetType().Name == PassThroughProviderTypeName;
    }

    /// <summary>The type name of Microsoft.Extensions.ServiceDiscovery's pass-through provider (internal to it).</summary>
    internal const string PassThroughProviderTypeName = "PassThroughServiceEndpointProvider";

    /// <summary>The scheme of a URI endpoint, or null for a scheme-less one.</summary>
    internal static string? SchemeOf(ServiceEndpoint endpoint) => endpoint.EndPoint is UriEndPoint uri ? uri.Uri.Scheme : null;
}
