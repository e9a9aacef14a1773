using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// A Kafka cluster that services reference by name: the container broker or the development broker. Its connection
/// string is the bootstrap address (<c>host:port</c>), as with Aspire.Hosting.Kafka.
/// </summary>
public interface IRedBookKafkaResource : IResourceWithConnectionString, IResourceWithWaitSupport
{
}
