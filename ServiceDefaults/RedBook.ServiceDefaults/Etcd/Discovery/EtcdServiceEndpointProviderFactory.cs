using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Etcd.Discovery;

/// <summary>The live view of a service registry the endpoint provider reads (the etcd watcher; a fake in tests).</summary>
internal interface IServiceRegistryView
{
    /// <summary>The endpoints registered for <paramref name="serviceName"/> (every endpoint name), or an empty list.</summary>
    IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName);

    /// <summary>A token that fires when the endpoints of <paramref name="serviceName"/> change.</summary>
    Microsoft.Extensions.Primitives.IChangeToken GetChangeToken(string serviceName);
}

/// <summary>
/// The etcd registry as an endpoint provider of Microsoft.Extensions.ServiceDiscovery: every query
/// (<c>https+http://feed</c>, <c>http://_grpc.feed</c>) gets a provider that adds the instances registered under
/// <c>/redbook/services/{service}/</c>, each with its <see cref="ServiceInstanceFeature"/> (weight, zone, colour,
/// version, registeredAt), and re-resolves when the registry changes. <c>AddRedBookEtcd</c> registers it ahead of the
/// library's pass-through provider, so a service the registry knows never falls through to DNS.
/// </summary>
internal sealed class EtcdServiceEndpointProviderFactory(IServiceRegistryView registry) : IServiceEndpointProviderFactory
{
    /// <summary>The registry view the providers read.</summary>
    public IServiceRegistryView Registry => registry;

    /// <inheritdoc />
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        provider = new EtcdServiceEndpointProvider(registry, query);
        return true;
    }
}

/// <summary>
/// Adds the registry's endpoints of one query to what the providers before it found, merged by address: a registered
/// instance replaces the configuration's entry for the same address (it carries the metadata), and the library's
/// pass-through entry is dropped once the registry knows the service. Of the query's schemes the most preferred one
/// that has an endpoint wins (<c>https+http</c>: https when any instance serves it), across both sources.
/// </summary>
internal sealed class EtcdServiceEndpointProvider(IServiceRegistryView registry, ServiceEndpointQuery query) : IServiceEndpointProvider
{
    /// <inheritdoc />
    public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.AddChangeToken(registry.GetChangeToken(query.ServiceName));
        var registered = registry.GetEndpoints(query.ServiceName);
        var list = endpoints.Endpoints;
        var added = false;
        foreach (var endpoint in registered)
        {
            if (!ServesEndpointName(endpoint.GetInstance()?.EndpointName, query.EndpointName))
            {
                continue;
            }

            var key = endpoint.AddressKey();
            var index = IndexOf(list, key);
            if (index >= 0)
            {
                list[index] = endpoint; // the registry's entry carries colour, zone, weight and registeredAt: keep it.
            }
            else
            {
                list.Add(endpoint);
            }

            added = true;
        }

        if (added)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].IsPassThrough())
                {
                    list.RemoveAt(i);
                }
            }

            KeepPreferredScheme(list, query.IncludedSchemes);
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => default;

    /// <inheritdoc />
    public override string ToString() => "etcd";

    /// <summary>
    /// Whether an address registered under <paramref name="registeredName"/> (null: the instance's default addresses)
    /// answers a query for <paramref name="queriedName"/> (null: no endpoint name). A query for <c>http</c> or
    /// <c>https</c> (what Aspire names an endpoint after its scheme) also takes the default addresses.
    /// </summary>
    internal static bool ServesEndpointName(string? registeredName, string? queriedName)
    {
        if (string.IsNullOrEmpty(queriedName))
        {
            return registeredName is null;
        }

        if (registeredName is null)
        {
            return string.Equals(queriedName, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase)
                || string.Equals(queriedName, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(registeredName, queriedName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Keeps, of the URI endpoints, only those of the most preferred scheme present; scheme-less endpoints stay.</summary>
    internal static void KeepPreferredScheme(IList<ServiceEndpoint> list, IReadOnlyList<string> schemes)
    {
        if (schemes.Count == 0)
        {
            return;
        }

        var best = int.MaxValue;
        foreach (var endpoint in list)
        {
            if (ServiceEndpointExtensions.SchemeOf(endpoint) is { } scheme && IndexOf(schemes, scheme) is var index and >= 0 && index < best)
            {
                best = index;
            }
        }

        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (ServiceEndpointExtensions.SchemeOf(list[i]) is { } scheme && IndexOf(schemes, scheme) != best)
            {
                list.RemoveAt(i);
            }
        }
    }

    private static int IndexOf(IList<ServiceEndpoint> list, string key)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i].AddressKey(), key, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<string> schemes, string scheme)
    {
        for (var i = 0; i < schemes.Count; i++)
        {
            if (string.Equals(schemes[i], scheme, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
