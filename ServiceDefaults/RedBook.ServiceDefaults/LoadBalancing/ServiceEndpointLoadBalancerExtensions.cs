using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>Feeds the endpoints Microsoft.Extensions.ServiceDiscovery resolves to a balancer.</summary>
public static class ServiceEndpointLoadBalancerExtensions
{
    /// <summary>
    /// Replaces the endpoint set with <paramref name="endpoints"/>, keyed by address
    /// (<see cref="ServiceEndpointExtensions.AddressKey"/>, so statistics follow an address across refreshes), with the
    /// weight and registration time of their <see cref="ServiceInstanceFeature"/> (100 and "long ago" without one).
    /// </summary>
    public static void UpdateEndpoints(this ILoadBalancer<ServiceEndpoint> balancer, IReadOnlyList<ServiceEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(endpoints);
        var items = new BalancerEndpoint<ServiceEndpoint>[endpoints.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var endpoint = endpoints[i] ?? throw new ArgumentException("The endpoint list contains null.", nameof(endpoints));
            var instance = endpoint.GetInstance();
            items[i] = new BalancerEndpoint<ServiceEndpoint>(endpoint, endpoint.AddressKey(), instance?.Weight ?? ServiceInstanceFeature.DefaultWeight, instance?.RegisteredAt);
        }

        balancer.UpdateEndpoints(items);
    }
}
