using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>etcd in a container (<c>quay.io/coreos/etcd</c>): live configuration and the service registry.</summary>
/// <param name="name">The resource name.</param>
public sealed class RedBookEtcdResource(string name) : ContainerResource(name), IRedBookEtcdResource
{
    /// <summary>The name of the client endpoint.</summary>
    public const string ClientEndpointName = "client";

    /// <summary>etcd's client port inside the container.</summary>
    internal const int ClientTargetPort = 2379;

    /// <summary>The data directory inside the container.</summary>
    internal const string DataDirectory = "/etcd-data";

    private EndpointReference? _clientEndpoint;

    /// <inheritdoc />
    public EndpointReference ClientEndpoint => _clientEndpoint ??= new(this, ClientEndpointName);
}
