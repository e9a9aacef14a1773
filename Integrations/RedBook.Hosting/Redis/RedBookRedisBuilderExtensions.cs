using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds <c>redis-server</c> as a local executable (local mode; container mode uses Aspire's <c>AddRedis</c>).</summary>
public static class RedBookRedisBuilderExtensions
{
    /// <summary>
    /// Adds <c>redis-server</c> listening on 127.0.0.1 at a port Aspire allocates, with persistence off (no RDB, no
    /// AOF: local mode starts empty). Its health check is a Redis PING.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="command">The path of the <c>redis-server</c> program (see <see cref="ExecutableLocator"/>).</param>
    public static IResourceBuilder<RedBookRedisServerResource> AddRedBookRedisExecutable(this IDistributedApplicationBuilder builder, [ResourceName] string name, string command)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(command);

        var redis = new RedBookRedisServerResource(name, command, builder.AppHostDirectory);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("The connection string is unavailable."), name: healthCheckKey);

        var endpoint = redis.PrimaryEndpoint;
        return builder.AddResource(redis)
            .WithIconName("Database")
            .WithEndpoint(name: RedBookRedisServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }
}
