using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedBook.Hosting;

namespace RedBook.AppHost;

/// <summary>
/// The infrastructure of one run, in the mode <see cref="RedBookRunModeResolver"/> chose. A resource is null where
/// the mode has none (local mode has no MongoDB and no Jaeger; no Redis or etcd when their programs are not on
/// PATH); the services then run without it, as docs/apphost.md describes.
/// </summary>
internal sealed record Infrastructure(
    RedBookRunMode Mode,
    IResourceBuilder<IResourceWithConnectionString>? FeedDb,
//#if (IncludeMall)
    IResourceBuilder<IResourceWithConnectionString>? MallDb,
//#endif
    IResourceBuilder<IResourceWithConnectionString>? Redis,
    IResourceBuilder<IRedBookKafkaResource>? Kafka,
    IResourceBuilder<IRedBookEtcdResource>? Etcd,
    IResourceBuilder<RedBookJaegerResource>? Jaeger,
    string? SqliteDirectory);

internal static class InfrastructureExtensions
{
    /// <summary>Chooses the mode and adds its infrastructure.</summary>
    public static Infrastructure AddInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var (mode, reason) = RedBookRunModeResolver.Resolve(builder.Configuration, builder.ExecutionContext.IsPublishMode);
        var infrastructure = mode == RedBookRunMode.Container ? AddContainers(builder) : AddLocalExecutables(builder);
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RedBook.AppHost");
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("RedBook runs in {Mode} mode: {Reason}.", mode, reason);
            }

            foreach (var missing in Missing(infrastructure))
            {
                logger.LogWarning("RedBook runs without {Missing}; see docs/apphost.md for what degrades.", missing);
            }

            return Task.CompletedTask;
        });
        return infrastructure;
    }

    /// <summary>
    /// Container mode: MongoDB (a database per service), Redis, Kafka with its UI, etcd and Jaeger. Data lives in
    /// volumes named after the AppHost (Aspire's generated names), and the stateful containers are persistent, so
    /// a second F5 finds its data and starts fast. No container takes a fixed host port.
    /// </summary>
    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var mongo = builder.AddRedBookMongoDB("mongo")
            .WithDataVolume()
            .WithLifetime(ContainerLifetime.Persistent);

        var redis = builder.AddRedis("redis")
            .WithDataVolume()
            .WithLifetime(ContainerLifetime.Persistent);

        var kafka = builder.AddRedBookKafka("kafka")
            .WithKafkaUI()
            .WithDataVolume()
            .WithLifetime(ContainerLifetime.Persistent);

        var etcd = builder.AddRedBookEtcd("etcd")
            .WithDataVolume()
            .WithLifetime(ContainerLifetime.Persistent);

        var jaeger = builder.AddRedBookJaeger("jaeger");

        return new(
            RedBookRunMode.Container,
            mongo.AddDatabase("feeddb"),
//#if (IncludeMall)
            mongo.AddDatabase("malldb"),
//#endif
            redis,
            kafka,
            etcd,
            jaeger,
            SqliteDirectory: null);
    }

    /// <summary>
    /// Local mode: <c>redis-server</c> and <c>etcd</c> from PATH, each on loopback ports Aspire allocates and starting
    /// empty, and the development Kafka broker (librdkafka's mock cluster, in memory). The services store their data
    /// in SQLite files (no MongoDB connection string; the files outlive the run) and send telemetry to the dashboard
    /// only.
    /// </summary>
    private static Infrastructure AddLocalExecutables(IDistributedApplicationBuilder builder)
    {
        var redis = ExecutableLocator.Find("redis-server") is { } redisServer
            ? builder.AddRedBookRedisExecutable("redis", redisServer)
            : null;
        var etcd = ExecutableLocator.Find("etcd") is { } etcdServer
            ? builder.AddRedBookEtcdExecutable("etcd", etcdServer)
            : null;

        var kafka = builder.AddRedBookKafkaDevBroker<Projects.RedBook_Kafka_DevBroker>("kafka");
        var sqlite = Path.Combine(LocalDataDirectory.Root(builder), "sqlite");

        return new(
            RedBookRunMode.Local,
            FeedDb: null,
//#if (IncludeMall)
            MallDb: null,
//#endif
            redis,
            kafka,
            etcd,
            Jaeger: null,
            sqlite);
    }

    private static IEnumerable<string> Missing(Infrastructure infrastructure)
    {
        if (infrastructure.Redis is null)
        {
            yield return "Redis (redis-server is not on PATH)";
        }

        if (infrastructure.Etcd is null)
        {
            yield return "etcd (etcd is not on PATH)";
        }
    }
}
