namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>
/// Gives each call the scheme of the endpoint the balancer picked. A channel over <c>https+http://</c> resolves TLS
/// endpoints where certificates exist and h2c ones elsewhere; grpc-dotnet sends every call with the channel's single
/// scheme (plain text here), so the <c>redbook_p2c</c> picker records the picked address's scheme on the request and this
/// handler upgrades it: <c>SocketsHttpHandler</c> then runs TLS over the subchannel's connection.
/// </summary>
internal sealed class GrpcEndpointSchemeHandler : DelegatingHandler
{
    /// <summary>The request option the picker sets: the picked address's scheme.</summary>
    public static readonly HttpRequestOptionsKey<string> SchemeKey = new("RedBook.Grpc.EndpointScheme");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(SchemeKey, out var scheme) && request.RequestUri is { } uri && !string.Equals(uri.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = scheme, Port = uri.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
