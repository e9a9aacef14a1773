namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>How <see cref="RedBookGrpcClientExtensions.AddRedBookGrpcClient{TClient}"/> reaches a service.</summary>
public sealed class RedBookGrpcClientOptions
{
    /// <summary>The client's name: its <c>RedBook:Clients:{name}</c> section and the HttpClient name. Defaults to the service name.</summary>
    public string? ClientName { get; set; }

    /// <summary>The named endpoint of the service to call (Aspire's <c>services:{service}:{endpoint}</c>). <value>Defaults to <c>grpc</c>.</value></summary>
    public string EndpointName { get; set; } = "grpc";

    /// <summary>
    /// The schemes, most preferred first: <c>https+http</c> (TLS where the endpoint has it, else h2c; the default),
    /// <c>http+https</c>, <c>http</c> or <c>https</c>.
    /// </summary>
    public string Schemes { get; set; } = "https+http";

    /// <summary>
    /// Methods that may be retried besides those whose .proto declares <c>idempotency_level = IDEMPOTENT</c> or
    /// <c>NO_SIDE_EFFECTS</c>: a method name of the client's service (<c>GetNote</c>) or a full name
    /// (<c>/feed.v1.FeedService/GetNote</c>).
    /// </summary>
    public ISet<string> IdempotentMethods { get; } = new HashSet<string>(StringComparer.Ordinal);
}
