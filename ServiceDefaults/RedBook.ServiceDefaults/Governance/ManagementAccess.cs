using System.Net;
using Microsoft.AspNetCore.Http;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>Decides whether a request may reach the governance endpoints.</summary>
public static class ManagementAccess
{
    /// <summary>
    /// True when the request arrived on the management port (when <paramref name="managementPort"/> is set) or,
    /// without one, from a loopback address. The local port is the connection's, not the Host header's, so it
    /// cannot be forged.
    /// </summary>
    public static bool IsAllowed(HttpContext context, int? managementPort)
    {
        ArgumentNullException.ThrowIfNull(context);
        var connection = context.Connection;
        if (managementPort is { } port)
        {
            return connection.LocalPort == port;
        }

        return connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
    }
}
