namespace RedBook.ServiceDefaults.Http;

/// <summary>Headers the client pipeline reads that are not part of the shared <c>RedBookHeaders</c> list.</summary>
internal static class ClientHeaders
{
    /// <summary>The server's CPU use in per mille, reported on responses for the P2C balancer.</summary>
    public const string ServerCpu = "x-md-server-cpu";
}
