using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// A Kafka broker in a container (<c>confluentinc/confluent-local</c>, KRaft, no ZooKeeper). It listens twice: on
/// <see cref="PrimaryEndpoint"/> for processes on the host and on <see cref="InternalEndpoint"/> for other containers
/// (the Kafka UI), each advertising the address its clients can reach.
/// </summary>
/// <param name="name">The resource name.</param>
public sealed class RedBookKafkaServerResource(string name) : ContainerResource(name), IRedBookKafkaResource
{
    /// <summary>The host-facing endpoint's name.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The container-network endpoint's name.</summary>
    public const string InternalEndpointName = "internal";

    internal const int PrimaryTargetPort = 9092;
    internal const int InternalTargetPort = 9093;

    private EndpointReference? _primaryEndpoint;
    private EndpointReference? _internalEndpoint;

    /// <summary>The endpoint for processes on the host.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The endpoint for other containers.</summary>
    public EndpointReference InternalEndpoint => _internalEndpoint ??= new(this, InternalEndpointName);

    /// <summary>The bootstrap address, <c>host:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
