using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// etcd as a local executable (local mode): one member listening on loopback ports that Aspire allocates, with a data
/// directory that starts empty on every run.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of the <c>etcd</c> program.</param>
/// <param name="dataDirectory">The member's data directory.</param>
public sealed class RedBookEtcdServerResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, Path.GetDirectoryName(dataDirectory) ?? dataDirectory), IRedBookEtcdResource
{
    /// <summary>The name of the peer endpoint (Raft traffic; unused by a single member, but it must not take 2380).</summary>
    public const string PeerEndpointName = "peer";

    private EndpointReference? _clientEndpoint;
    private EndpointReference? _peerEndpoint;

    /// <summary>The member's data directory.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <inheritdoc />
    public EndpointReference ClientEndpoint => _clientEndpoint ??= new(this, RedBookEtcdResource.ClientEndpointName);

    /// <summary>The peer endpoint.</summary>
    public EndpointReference PeerEndpoint => _peerEndpoint ??= new(this, PeerEndpointName);
}
