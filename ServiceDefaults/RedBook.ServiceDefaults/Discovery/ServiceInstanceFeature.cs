namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// What the RedBook registry knows about one endpoint beyond its address, carried as a feature of a
/// <see cref="Microsoft.Extensions.ServiceDiscovery.ServiceEndpoint"/> (<c>endpoint.Features.Get&lt;ServiceInstanceFeature&gt;()</c>).
/// The etcd endpoint provider sets it; an endpoint without it (Aspire's <c>services:</c> configuration) is an
/// uncoloured instance of weight 100 that registered long ago. The P2C balancer reads <see cref="Weight"/> and
/// <see cref="RegisteredAt"/>, the colour filter reads <see cref="Color"/>.
/// </summary>
public sealed class ServiceInstanceFeature
{
    /// <summary>The normal weight.</summary>
    public const int DefaultWeight = 100;

    /// <summary>Creates the feature of the instance <paramref name="instanceId"/>.</summary>
    public ServiceInstanceFeature(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        InstanceId = instanceId;
    }

    /// <summary>The instance id, unique within the service (the etcd key's last segment).</summary>
    public string InstanceId { get; }

    /// <summary>The named endpoint this address serves (<c>grpc</c>), or null for the instance's default addresses.</summary>
    public string? EndpointName { get; init; }

    /// <summary>The relative weight, 1 to 1000; 100 is normal. Slow start ramps a new instance up to this.</summary>
    public int Weight { get; init; } = DefaultWeight;

    /// <summary>The zone the instance runs in, if known.</summary>
    public string? Zone { get; init; }

    /// <summary>The traffic colour the instance serves; null for uncoloured (normal) traffic.</summary>
    public string? Color { get; init; }

    /// <summary>The build version the instance runs, if known.</summary>
    public string? Version { get; init; }

    /// <summary>When the instance registered: the start of its slow-start ramp. Null means "long ago".</summary>
    public DateTimeOffset? RegisteredAt { get; init; }
}
