using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Tests.Testing;

/// <summary>Resolved endpoints as the providers make them: a URI endpoint, with the registry's metadata when an instance id is given.</summary>
internal static class TestEndpoints
{
    public static ServiceEndpoint Create(string address, string? instanceId = null, string? color = null, int weight = 100, DateTimeOffset? registeredAt = null, string? endpointName = null)
    {
        var endpoint = ServiceEndpoint.Create(new UriEndPoint(new Uri(address)));
        if (instanceId is not null)
        {
            endpoint.Features.Set(new ServiceInstanceFeature(instanceId) { Color = color, Weight = weight, RegisteredAt = registeredAt, EndpointName = endpointName });
        }

        return endpoint;
    }

    public static string? Id(this ServiceEndpoint endpoint) => endpoint.GetInstance()?.InstanceId;
}
