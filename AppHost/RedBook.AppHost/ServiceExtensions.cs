namespace RedBook.AppHost;

internal static class ServiceExtensions
{
    /// <summary>
    /// What every service of the system gets: its database (MongoDB in container mode, a SQLite file in local mode), Redis,
    /// Kafka and etcd, each referenced and waited for; its name in etcd's registry; the gRPC endpoint (h2c, docs/grpc.md);
    /// the second trace exporter to Jaeger (container mode); and the HTTP probes, liveness on <c>/alive</c> and
    /// readiness on <c>/health</c>, which are the health checks of a local run and the probes of a deployment's
    /// containers.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedBookDefaults(
        this IResourceBuilder<ProjectResource> service,
        Infrastructure infrastructure,
        IResourceBuilder<IResourceWithConnectionString>? database = null,
        string? storeName = null)
    {
        if (database is not null)
        {
            service.WithReference(database).WaitFor(database);
        }
        else if (storeName is not null && infrastructure.SqliteDirectory is { } sqlite)
        {
            service.WithEnvironment("RedBook__Storage__Sqlite__Path", Path.Combine(sqlite, storeName + ".db"));
        }

        if (infrastructure.Redis is { } redis)
        {
            service.WithReference(redis).WaitFor(redis);
        }

        if (infrastructure.Kafka is { } kafka)
        {
            service.WithReference(kafka).WaitFor(kafka);
        }

        if (infrastructure.Etcd is { } etcd)
        {
            service.WithRedBookEtcd(etcd);
        }

        if (infrastructure.Jaeger is { } jaeger)
        {
            service.WithRedBookJaegerExporter(jaeger);
        }

#pragma warning disable ASPIREPROBES001 // HTTP probes are experimental in Aspire 13.6
        return service
            .WithEnvironment("RedBook__Service__Name", service.Resource.Name)
            .WithHttpEndpoint(name: "grpc", env: "RedBook__Grpc__Port")
            .AsHttp2Service()
            .WithHttpProbe(ProbeType.Liveness, "/alive")
            .WithHttpProbe(ProbeType.Readiness, "/health");
#pragma warning restore ASPIREPROBES001
    }
}
