using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Binds the gRPC endpoint of <see cref="GrpcEndpointOptions"/> next to the application's own addresses, and makes it
/// speak HTTP/2 (<see cref="GrpcEndpointKestrelSetup"/>). It adds the URL to Kestrel's addresses rather than calling
/// <c>Listen</c>, because a listener configured in code would make Kestrel drop the <c>ASPNETCORE_URLS</c> addresses.
/// </summary>
internal sealed class GrpcEndpointStartupFilter(IOptions<GrpcEndpointOptions> options) : IStartupFilter
{
    /// <summary>Kestrel's address when none is configured; kept when the gRPC endpoint is added.</summary>
    private const string KestrelDefaultAddress = "http://localhost:5000";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.Url is { } url && app.ServerFeatures.Get<IServerAddressesFeature>() is { Addresses: { IsReadOnly: false } addresses })
        {
            if (addresses.Count == 0)
            {
                addresses.Add(KestrelDefaultAddress);
            }

            if (!addresses.Contains(url, StringComparer.OrdinalIgnoreCase))
            {
                addresses.Add(url);
            }
        }

        next(app);
    };
}

/// <summary>
/// Sets the protocols of the listener on the gRPC port: HTTP/2 only in plain text (h2c), HTTP/1.1 and HTTP/2 over TLS.
/// Kestrel applies endpoint defaults to every address it binds, which is how this reaches the address the startup
/// filter added.
/// </summary>
internal sealed class GrpcEndpointKestrelSetup(IOptions<GrpcEndpointOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var grpc = options.Value;
        if (grpc.Port is not { } port)
        {
            return;
        }

        kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = grpc.Tls ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2;
            }
        });
    }
}
