namespace RedBook.Hosting;

/// <summary>How the AppHost runs the infrastructure.</summary>
public enum RedBookRunMode
{
    /// <summary>MongoDB, Redis, Kafka (with its UI), etcd and Jaeger run as containers.</summary>
    Container,

    /// <summary>
    /// No container runtime: <c>redis-server</c> and <c>etcd</c> run as executables when they are on PATH, the
    /// development broker stands in for Kafka, SQLite files stand in for MongoDB and telemetry goes to the dashboard
    /// only.
    /// </summary>
    Local,
}
