using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Grpc.Balancing;
using RedBook.ServiceDefaults.Http;

namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>Registers gRPC clients that resolve through service discovery, balance with <c>redbook_p2c</c> and run the client pipeline.</summary>
public static class RedBookGrpcClientExtensions
{
    /// <summary>
    /// Adds the typed gRPC client <typeparamref name="TClient"/> (Grpc.Net.ClientFactory) of the service
    /// <paramref name="serviceName"/>: its channel resolves <c>https+http://_grpc.{service}</c> through
    /// Microsoft.Extensions.ServiceDiscovery (<c>services__{service}__grpc__0</c>, the etcd registry), balances the ready
    /// subchannels with <c>redbook_p2c</c> (P2C+EWMA, traffic colour, slow start), and every call runs the client pipeline
    /// of <c>RedBook:Clients:{name}</c>: deadline as an exact <c>grpc-timeout</c>, metadata, the SRE breaker, budgeted
    /// retries of idempotent methods only, and errors read back from <c>google.rpc.Status</c> as <c>RedBookException</c>.
    /// </summary>
    /// <example><code>
    /// builder.Services.AddRedBookGrpcClient&lt;FeedService.FeedServiceClient&gt;("feed-api");
    /// </code></example>
    public static IHttpClientBuilder AddRedBookGrpcClient<TClient>(this IServiceCollection services, string serviceName, Action<RedBookGrpcClientOptions>? configure = null)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var options = new RedBookGrpcClientOptions();
        configure?.Invoke(options);
        var channelScheme = options.Schemes switch
        {
            "https+http" or "http+https" => options.Schemes,
            "http" or "https" => ServiceDiscoveryResolverFactory.SingleSchemePrefix + options.Schemes,
            _ => throw new ArgumentException($"Schemes must be https+http, http+https, http or https, not '{options.Schemes}'.", nameof(configure)),
        };
        var clientName = options.ClientName ?? serviceName;
        var address = new Uri($"{channelScheme}://_{options.EndpointName}.{serviceName}");
        var idempotency = GrpcIdempotency.For<TClient>(options.IdempotentMethods);

        services.AddRedBookGrpcLoadBalancing();
        AddResolvers(services);
        var builder = services
            .AddGrpcClient<TClient>(clientName, o => o.Address = address)
            .ConfigureChannel(channel =>
            {
                // Plain text unless the picked endpoint is https (GrpcEndpointSchemeHandler upgrades those calls).
                channel.Credentials = ChannelCredentials.Insecure;
                GrpcLoadBalancingExtensions.SelectRedBookP2C(channel, serviceName);
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            })
            .AddHttpMessageHandler(static () => new GrpcEndpointSchemeHandler())
            .AddHttpMessageHandler(static () => new LoadBalancing.GrpcBalancerFeedbackHandler())
            .AddInterceptor(sp => new RedBookGrpcClientInterceptor(clientName, serviceName, sp.GetRequiredService<RedBookClientPipelines>(), idempotency));
        builder.AddRedBookPipeline();
        return builder;
    }

    private static void AddResolvers(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(ServiceEndpointResolver)))
        {
            services.AddServiceDiscovery();
        }

        if (services.Any(d => d.ServiceType == typeof(ServiceDiscoveryResolverMarker)))
        {
            return;
        }

        services.AddSingleton<ServiceDiscoveryResolverMarker>();
        foreach (var scheme in ServiceDiscoveryResolverFactory.Schemes)
        {
            services.AddSingleton<ResolverFactory>(sp => new ServiceDiscoveryResolverFactory(scheme, sp.GetRequiredService<ServiceEndpointResolver>()));
        }
    }

    /// <summary>Marks that the service-discovery resolvers are registered.</summary>
    private sealed class ServiceDiscoveryResolverMarker;
}
