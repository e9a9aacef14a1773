using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Grpc.Health;

/// <summary>
/// Options of the gRPC health service (<c>grpc.health.v1.Health</c>, Grpc.AspNetCore.HealthChecks), bound from the
/// <c>RedBook:Grpc:Health</c> configuration section and read at start-up.
/// </summary>
public sealed class GrpcHealthOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "RedBook:Grpc:Health";

    /// <summary>
    /// How often the health checks are published to <c>Watch</c> streams (the health-check publisher's period); a stream
    /// gets a message only when the status changes. <c>Check</c> always runs the checks.
    /// </summary>
    /// <value>5 seconds. Between 1 second (the publisher's minimum) and 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(5);
}
