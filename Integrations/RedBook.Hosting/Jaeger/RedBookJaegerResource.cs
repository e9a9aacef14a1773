using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>Jaeger all-in-one in a container: a trace store with a UI, receiving OTLP.</summary>
/// <param name="name">The resource name.</param>
public sealed class RedBookJaegerResource(string name) : ContainerResource(name)
{
    /// <summary>The UI's endpoint name.</summary>
    public const string UIEndpointName = "ui";

    /// <summary>The OTLP/gRPC receiver's endpoint name.</summary>
    public const string OtlpGrpcEndpointName = "otlp-grpc";

    /// <summary>The OTLP/HTTP receiver's endpoint name.</summary>
    public const string OtlpHttpEndpointName = "otlp-http";

    /// <summary>The admin endpoint's name (health).</summary>
    public const string AdminEndpointName = "admin";

    internal const int UIPort = 16686;
    internal const int OtlpGrpcPort = 4317;
    internal const int OtlpHttpPort = 4318;
    internal const int AdminPort = 14269;

    private EndpointReference? _otlpGrpcEndpoint;

    /// <summary>The OTLP/gRPC receiver, which services export their traces to.</summary>
    public EndpointReference OtlpGrpcEndpoint => _otlpGrpcEndpoint ??= new(this, OtlpGrpcEndpointName);
}
