// The RedBook system: infrastructure first, then the services that wait for it.
// HTTP probes (liveness /alive, readiness /health) are experimental in Aspire 13.5; they become the
// health checks of a local run and the probes of a deployment's containers.
#pragma warning disable ASPIREPROBES001
var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure. Containers are persistent so F5 twice doesn't lose the data.
var redis = builder.AddRedis("redis")
    .WithDataVolume()
    .WithLifetime(ContainerLifetime.Persistent);

// etcd holds dynamic configuration and the service registry (no Aspire integration exists for it).
var etcd = builder.AddContainer("etcd", "quay.io/coreos/etcd", "v3.5.21")
    .WithHttpEndpoint(port: 2379, targetPort: 2379, name: "client", isProxied: false)
    .WithArgs(
        "etcd",
        "--name", "etcd0",
        "--data-dir", "/etcd-data",
        "--listen-client-urls", "http://0.0.0.0:2379",
        "--advertise-client-urls", "http://etcd:2379")
    .WithVolume("redbook-etcd-data", "/etcd-data")
    .WithLifetime(ContainerLifetime.Persistent);
var etcdClient = etcd.GetEndpoint("client");

// Jaeger receives a second copy of the traces over OTLP (the dashboard gets the first).
var jaeger = builder.AddContainer("jaeger", "jaegertracing/all-in-one", "1.74.0")
    .WithHttpEndpoint(port: 16686, targetPort: 16686, name: "ui")
    .WithEndpoint(targetPort: 4317, name: "otlp-grpc", scheme: "http")
    .WithEnvironment("COLLECTOR_OTLP_ENABLED", "true");
var jaegerOtlp = jaeger.GetEndpoint("otlp-grpc");

// Services.
var feed = builder.AddProject<Projects.RedBook_Feed_Api>("feed-api")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("RedBook__Etcd__Endpoints__0", etcdClient)
    .WithEnvironment("RedBook__Telemetry__JaegerEndpoint", jaegerOtlp)
    .WaitFor(etcd)
    .WithReplicas(2)
    .WithHttpProbe(ProbeType.Liveness, "/alive")
    .WithHttpProbe(ProbeType.Readiness, "/health");

var mall = builder.AddProject<Projects.RedBook_Mall_Api>("mall-api")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("RedBook__Etcd__Endpoints__0", etcdClient)
    .WithEnvironment("RedBook__Telemetry__JaegerEndpoint", jaegerOtlp)
    .WaitFor(etcd)
    .WithHttpProbe(ProbeType.Liveness, "/alive")
    .WithHttpProbe(ProbeType.Readiness, "/health");

builder.AddProject<Projects.RedBook_Bff>("bff")
    .WithReference(feed).WaitFor(feed)
    .WithReference(mall).WaitFor(mall)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("RedBook__Etcd__Endpoints__0", etcdClient)
    .WithEnvironment("RedBook__Telemetry__JaegerEndpoint", jaegerOtlp)
    .WithExternalHttpEndpoints()
    .WithHttpProbe(ProbeType.Liveness, "/alive")
    .WithHttpProbe(ProbeType.Readiness, "/health");

builder.Build().Run();
