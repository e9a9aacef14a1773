using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>An etcd server, as a container or as a local executable: what a service needs is its client endpoint.</summary>
public interface IRedBookEtcdResource : IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The endpoint clients talk to (<c>http://host:port</c>).</summary>
    EndpointReference ClientEndpoint { get; }
}
