using Microsoft.Extensions.Primitives;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// A source of endpoints for logical service names (<c>http://feed</c> → <c>feed</c>). ServiceDefaults ships a
/// provider that reads Aspire's <c>services:{name}:{endpoint}:{i}</c> configuration; the etcd registry adds one
/// that watches <c>/redbook/services/{name}/</c>. Providers are merged by the resolver.
/// </summary>
public interface IServiceDiscoveryProvider
{
    /// <summary>Returns the endpoints this provider knows for <paramref name="serviceName"/>, or an empty list.</summary>
    /// <remarks>A provider whose backend is down returns its last known endpoints (AP behaviour).</remarks>
    IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName);

    /// <summary>A token that fires when the endpoints of <paramref name="serviceName"/> may have changed.</summary>
    IChangeToken GetChangeToken(string serviceName);
}
