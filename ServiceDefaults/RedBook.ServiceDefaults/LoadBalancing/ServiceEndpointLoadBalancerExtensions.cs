using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>Feeds discovery's <see cref="ServiceEndpoint"/> lists to a balancer.</summary>
public static class ServiceEndpointLoadBalancerExtensions
{
    /// <summary>
    /// Replaces the endpoint set with <paramref name="endpoints"/>, keyed by <see cref="ServiceEndpoint.InstanceId"/>
    /// (or the address when the id is empty), with <see cref="ServiceEndpoint.Weight"/> and
    /// <see cref="ServiceEndpoint.RegisteredAt"/>.
    /// </summary>
    public static void UpdateEndpoints(this ILoadBalancer<ServiceEndpoint> balancer, IReadOnlyList<ServiceEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(endpoints);
        var items = new BalancerEndpoint<ServiceEndpoint>[endpoints.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var endpoint = endpoints[i] ?? throw new ArgumentException("The endpoint list contains null.", nameof(endpoints));
            var key = string.IsNullOrEmpty(endpoint.InstanceId) ? endpoint.Address.ToString() : endpoint.InstanceId;
            items[i] = new BalancerEndpoint<ServiceEndpoint>(endpoint, key, endpoint.Weight, endpoint.RegisteredAt);
        }

        balancer.UpdateEndpoints(items);
    }
}
