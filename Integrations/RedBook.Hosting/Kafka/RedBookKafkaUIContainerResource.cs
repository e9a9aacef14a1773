using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>The Kafka UI container (<c>kafbat/kafka-ui</c>): topics, messages and consumer groups in a browser.</summary>
/// <param name="name">The resource name.</param>
public sealed class RedBookKafkaUIContainerResource(string name) : ContainerResource(name)
{
}
