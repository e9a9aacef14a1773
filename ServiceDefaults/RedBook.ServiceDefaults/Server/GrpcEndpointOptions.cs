using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// The service's gRPC endpoint (<c>RedBook:Grpc</c>): a Kestrel listener on <see cref="Port"/> that speaks HTTP/2, so
/// gRPC clients and probes reach it. Plain text gets HTTP/2 only (h2c with prior knowledge, which is what gRPC clients
/// send; Kestrel's plain-text default of HTTP/1.1 would answer them <c>HTTP_1_1_REQUIRED</c>); with <see cref="Tls"/>
/// it gets HTTP/1.1 and HTTP/2 negotiated by ALPN. The AppHost sets the port with
/// <c>.WithHttpEndpoint(name: "grpc", env: "RedBook__Grpc__Port")</c>, which also keeps the endpoint out of
/// <c>ASPNETCORE_URLS</c>. Without a port the service has no separate gRPC endpoint.
/// </summary>
public sealed class GrpcEndpointOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Grpc";

    /// <summary>The endpoint name services publish it under (Aspire's <c>services:{service}:grpc</c>, the registry's <c>endpoints.grpc</c>).</summary>
    public const string EndpointName = "grpc";

    /// <summary>The port of the gRPC endpoint; read at startup, when Kestrel binds it.</summary>
    /// <value>The default is <see langword="null"/>: no gRPC endpoint of its own.</value>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The host the endpoint binds to (<c>*</c> for every interface, <c>127.0.0.1</c> for loopback).</summary>
    /// <value>The default is <c>*</c>.</value>
    [Required]
    public string Host { get; set; } = "*";

    /// <summary>Serve the endpoint over TLS (Kestrel's default certificate: the development certificate, or <c>Kestrel:Certificates:Default</c>).</summary>
    /// <value>The default is <see langword="false"/>: h2c.</value>
    public bool Tls { get; set; }

    /// <summary>The URL Kestrel binds, or null without a port.</summary>
    public string? Url => Port is { } port ? $"{(Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://{Host}:{port}" : null;
}
