namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// One instance of a logical service, as a discovery provider reports it (Aspire configuration, the etcd
/// registry). The P2C balancer picks among these.
/// </summary>
/// <param name="Address">The base address, for example <c>http://10.0.0.4:8080</c>.</param>
/// <param name="InstanceId">A stable instance id, unique within the service.</param>
public sealed record ServiceEndpoint(Uri Address, string InstanceId)
{
    /// <summary>The relative weight, 1 to 1000; 100 is normal. Slow start ramps a new instance up to this.</summary>
    public int Weight { get; init; } = 100;

    /// <summary>The zone the instance runs in, if known.</summary>
    public string? Zone { get; init; }

    /// <summary>The traffic colour the instance serves; null for uncoloured (normal) traffic.</summary>
    public string? Color { get; init; }

    /// <summary>The build version the instance runs, if known.</summary>
    public string? Version { get; init; }

    /// <summary>When the instance registered; the start of its slow-start ramp. Null means "long ago".</summary>
    public DateTimeOffset? RegisteredAt { get; init; }
}
