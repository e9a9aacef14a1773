using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// The development Kafka broker (local mode): a .NET console project that runs librdkafka's mock cluster, a real
/// Kafka-protocol broker on loopback, and prints its bootstrap address. Services reference it by name as they would
/// the container broker; its connection string is that address.
/// </summary>
/// <param name="name">The resource name (and the connection string's name).</param>
public sealed class RedBookKafkaDevBrokerResource(string name) : ProjectResource(name), IRedBookKafkaResource
{
    internal BootstrapAddress Bootstrap { get; } = new(name);

    /// <summary>The bootstrap address the broker printed (<c>127.0.0.1:port[,…]</c>).</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Bootstrap}");
}
