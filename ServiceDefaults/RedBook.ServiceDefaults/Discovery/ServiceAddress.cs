using System.Net;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// Logical service addresses, in Microsoft.Extensions.ServiceDiscovery's form: a scheme with alternatives
/// (<c>https+http://feed</c>: https endpoints if there are any, else http), a single-label host (<c>http://feed</c>) or
/// an Aspire named endpoint (<c>http://_grpc.feed</c>). Concrete hosts (<c>localhost</c>, IP addresses, dotted
/// names such as <c>api.example.com</c>) are not logical and pass through the client pipeline unresolved.
/// </summary>
public static class ServiceAddress
{
    /// <summary>
    /// True when <paramref name="uri"/> names a logical service rather than a concrete host: its scheme lists
    /// alternatives (<c>https+http</c>), or its host is a single label that is neither an IP address nor
    /// <c>localhost</c> (<c>feed</c>, <c>_grpc.feed</c>).
    /// </summary>
    public static bool IsLogical(Uri uri)
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
    /// The service-discovery query of <paramref name="uri"/>: its scheme and host (<c>https+http://_grpc.feed</c>), what
    /// <c>ServiceEndpointResolver.GetEndpointsAsync</c> takes. The path is not part of it.
    /// </summary>
    public static string QueryOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return string.Concat(uri.Scheme, "://", uri.IdnHost);
    }

    /// <summary>The service name of <paramref name="uri"/>'s host, without an endpoint prefix (<c>_grpc.feed</c> → <c>feed</c>).</summary>
    public static string ServiceNameOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = uri.IdnHost;
        return host.StartsWith('_') && host.IndexOf('.', StringComparison.Ordinal) is var dot and > 1 ? host[(dot + 1)..] : host;
    }
}
