using Polly;
using Microsoft.Extensions.ServiceDiscovery;

namespace RedBook.ServiceDefaults.Http;

/// <summary>The <see cref="ResilienceContext"/> properties the client pipeline's stages share.</summary>
public static class ClientResilienceKeys
{
    /// <summary>The request being sent.</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> Request = new("RedBook.Client.Request");

    /// <summary>The request's URI as the caller wrote it (a logical name such as <c>http://feed/notes</c>).</summary>
    public static readonly ResiliencePropertyKey<Uri> OriginalUri = new("RedBook.Client.OriginalUri");

    /// <summary>The endpoint the balancer picked for the current attempt; the per-endpoint breaker keys on it.</summary>
    public static readonly ResiliencePropertyKey<ServiceEndpoint> Endpoint = new("RedBook.Client.Endpoint");

    /// <summary>The base address of <see cref="Endpoint"/>, which the attempt's URI is rewritten to.</summary>
    public static readonly ResiliencePropertyKey<Uri> EndpointAddress = new("RedBook.Client.EndpointAddress");

    /// <summary>The named client's name.</summary>
    public static readonly ResiliencePropertyKey<string> ClientName = new("RedBook.Client.Name");
}
