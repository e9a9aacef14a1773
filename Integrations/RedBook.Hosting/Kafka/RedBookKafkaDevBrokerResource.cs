using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// The development Kafka broker (local mode): the <c>RedBook.Kafka.DevBroker</c> console project, which runs
/// librdkafka's mock cluster, a real Kafka-protocol broker on loopback. Aspire allocates its port and passes it as
/// <c>--port</c>, so the broker advertises that port and the connection string (the bootstrap address) is known
/// before it starts, as with the container broker.
/// </summary>
/// <param name="name">The resource name (and the connection string's name).</param>
public sealed class RedBookKafkaDevBrokerResource(string name) : ProjectResource(name), IRedBookKafkaResource
{
    /// <summary>The broker's endpoint name.</summary>
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The broker's loopback endpoint.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The bootstrap address, <c>127.0.0.1:port</c> (the broker listens on IPv4 loopback).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
