using Aspire.Hosting.ApplicationModel;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds etcd to the application model and points services at it.</summary>
public static class RedBookEtcdBuilderExtensions
{
    internal const string Image = "coreos/etcd";
    internal const string Registry = "quay.io";
    internal const string Tag = "v3.5.21";

    /// <summary>
    /// How often etcd tells a quiet watch it is still alive. Below RedBook's default watch idle timeout (5 minutes),
    /// so a healthy, quiet watch is never re-opened.
    /// </summary>
    internal const string WatchProgressNotifyInterval = "60s";

    /// <summary>
    /// Adds etcd as a container. The client endpoint gets a host port from Aspire (no fixed port, so a second solution
    /// or a local etcd on 2379 doesn't collide); the health check is etcd's <c>/health</c>.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <example><code>var etcd = builder.AddRedBookEtcd("etcd").WithDataVolume();</code></example>
    public static IResourceBuilder<RedBookEtcdResource> AddRedBookEtcd(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var etcd = new RedBookEtcdResource(name);
        return builder.AddResource(etcd)
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithIconName("DocumentDatabase")
            .WithEntrypoint("/usr/local/bin/etcd")
            .WithHttpEndpoint(targetPort: RedBookEtcdResource.ClientTargetPort, name: RedBookEtcdResource.ClientEndpointName)
            .WithArgs(
                "--name", name,
                "--data-dir", RedBookEtcdResource.DataDirectory,
                "--listen-client-urls", $"http://0.0.0.0:{RedBookEtcdResource.ClientTargetPort}",
                "--advertise-client-urls", $"http://{name}:{RedBookEtcdResource.ClientTargetPort}",
                "--experimental-watch-progress-notify-interval", WatchProgressNotifyInterval)
            .WithHttpHealthCheck("/health", endpointName: RedBookEtcdResource.ClientEndpointName);
    }

    /// <summary>
    /// Keeps etcd's data in a named volume. The default name is Aspire's
    /// <see cref="VolumeNameGenerator"/>: <c>{apphost name}-{hash of the AppHost path}-{resource}-data</c>, so every
    /// solution (and every copy of one) has its own.
    /// </summary>
    /// <param name="builder">The etcd resource.</param>
    /// <param name="name">The volume name; <see langword="null"/> generates one.</param>
    public static IResourceBuilder<RedBookEtcdResource> WithDataVolume(this IResourceBuilder<RedBookEtcdResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), RedBookEtcdResource.DataDirectory);
    }

    /// <summary>
    /// Adds etcd as a local executable (local mode): one member on loopback ports that Aspire allocates (client and
    /// peer, so neither 2379 nor 2380 is taken), its data in a directory under the system's temp folder that is
    /// emptied before every start.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="command">The path of the <c>etcd</c> program (see <see cref="ExecutableLocator"/>).</param>
    public static IResourceBuilder<RedBookEtcdServerResource> AddRedBookEtcdExecutable(this IDistributedApplicationBuilder builder, [ResourceName] string name, string command)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(command);

        var dataDirectory = LocalDataDirectory.For(builder, name);
        var etcd = new RedBookEtcdServerResource(name, command, dataDirectory);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(etcd, (_, _) =>
        {
            LocalDataDirectory.Reset(dataDirectory);
            return Task.CompletedTask;
        });

        var client = etcd.ClientEndpoint;
        var peer = etcd.PeerEndpoint;
        return builder.AddResource(etcd)
            .WithIconName("DocumentDatabase")
            .WithHttpEndpoint(name: RedBookEtcdResource.ClientEndpointName, isProxied: false)
            .WithEndpoint(name: RedBookEtcdServerResource.PeerEndpointName, scheme: "http", isProxied: false)
            .WithArgs(context =>
            {
                var clientUrl = ReferenceExpression.Create($"http://127.0.0.1:{client.Property(EndpointProperty.TargetPort)}");
                var peerUrl = ReferenceExpression.Create($"http://127.0.0.1:{peer.Property(EndpointProperty.TargetPort)}");
                context.Args.Add("--name");
                context.Args.Add(name);
                context.Args.Add("--data-dir");
                context.Args.Add(dataDirectory);
                context.Args.Add("--listen-client-urls");
                context.Args.Add(clientUrl);
                context.Args.Add("--advertise-client-urls");
                context.Args.Add(clientUrl);
                context.Args.Add("--listen-peer-urls");
                context.Args.Add(peerUrl);
                context.Args.Add("--initial-advertise-peer-urls");
                context.Args.Add(peerUrl);
                context.Args.Add("--initial-cluster");
                context.Args.Add(ReferenceExpression.Create($"{name}={peerUrl}"));
                context.Args.Add("--experimental-watch-progress-notify-interval");
                context.Args.Add(WatchProgressNotifyInterval);
            })
            .WithHttpHealthCheck("/health", endpointName: RedBookEtcdResource.ClientEndpointName)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Points a service at etcd (<c>RedBook__Etcd__Endpoints__0</c>, which RedBook's ServiceDefaults read for live
    /// configuration, registration and discovery) and makes it wait until etcd is healthy.
    /// </summary>
    /// <typeparam name="T">The service's resource type.</typeparam>
    /// <param name="builder">The service.</param>
    /// <param name="etcd">The etcd resource.</param>
    public static IResourceBuilder<T> WithRedBookEtcd<T>(this IResourceBuilder<T> builder, IResourceBuilder<IRedBookEtcdResource> etcd)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(etcd);
        return builder
            .WithEnvironment("RedBook__Etcd__Endpoints__0", etcd.Resource.ClientEndpoint)
            .WaitFor(etcd);
    }
}
