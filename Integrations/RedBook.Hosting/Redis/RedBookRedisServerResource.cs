using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// <c>redis-server</c> as a local executable (local mode): loopback only, on a port Aspire allocates, nothing saved
/// to disk. Its connection string has the form Aspire's Redis resource gives (<c>host:port</c>), so services read it
/// with the same client integration.
/// </summary>
/// <param name="name">The resource name (and the connection string's name).</param>
/// <param name="command">The path of the <c>redis-server</c> program.</param>
/// <param name="workingDirectory">The working directory.</param>
public sealed class RedBookRedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The name of the server's endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The server's endpoint.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>127.0.0.1:{port}</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
