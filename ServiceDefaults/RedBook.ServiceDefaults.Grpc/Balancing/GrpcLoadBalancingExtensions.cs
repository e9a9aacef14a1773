using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RedBook.ServiceDefaults.LoadBalancing;
using GrpcLoadBalancerFactory = Grpc.Net.Client.Balancer.LoadBalancerFactory;
using RedBookBalancers = RedBook.ServiceDefaults.LoadBalancing.LoadBalancerFactory;

namespace RedBook.ServiceDefaults.Grpc.Balancing;

/// <summary>Registers and selects the <c>redbook_p2c</c> gRPC load-balancing policy.</summary>
public static class GrpcLoadBalancingExtensions
{
    /// <summary>
    /// Registers RedBook's load balancing (<see cref="LoadBalancingServiceCollectionExtensions.AddRedBookLoadBalancing"/>)
    /// and <see cref="RedBookP2CLoadBalancerFactory"/> as a grpc-dotnet <c>LoadBalancerFactory</c>, which channels
    /// created with this service provider (<see cref="GrpcChannelOptions.ServiceProvider"/>, or by the gRPC client
    /// factory) can select.
    /// </summary>
    public static IServiceCollection AddRedBookGrpcLoadBalancing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRedBookLoadBalancing();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<GrpcLoadBalancerFactory, RedBookP2CLoadBalancerFactory>(
            static sp => new RedBookP2CLoadBalancerFactory(sp.GetRequiredService<RedBookBalancers>(), sp.GetRequiredService<TimeProvider>())));
        return services;
    }

    /// <summary>
    /// Selects the <c>redbook_p2c</c> policy on a channel (its <see cref="ServiceConfig"/>'s load-balancing configs), with
    /// the options of <paramref name="serviceName"/>, and puts <see cref="GrpcBalancerFeedbackHandler"/> in front of the
    /// channel's handler (a <see cref="SocketsHttpHandler"/> with multiple HTTP/2 connections when none is set), so the
    /// balancer learns the <c>grpc-status</c> and server CPU of each response.
    /// </summary>
    public static GrpcChannelOptions UseRedBookP2C(this GrpcChannelOptions options, string serviceName = RedBookP2CLoadBalancerFactory.DefaultServiceName)
    {
        ArgumentNullException.ThrowIfNull(options);
        SelectRedBookP2C(options, serviceName);
        if (options.HttpHandler is not GrpcBalancerFeedbackHandler)
        {
            options.HttpHandler = new GrpcBalancerFeedbackHandler(options.HttpHandler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        }

        return options;
    }

    /// <summary>Selects the <c>redbook_p2c</c> policy with the options of <paramref name="serviceName"/>, leaving the handler alone.</summary>
    internal static void SelectRedBookP2C(GrpcChannelOptions options, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var config = new LoadBalancingConfig(RedBookP2CLoadBalancerFactory.PolicyName);
        // The policy's own settings are the dictionary under its name (grpc-dotnet hands that to the factory).
        ((IDictionary<string, object>)config.Inner[RedBookP2CLoadBalancerFactory.PolicyName])[RedBookP2CLoadBalancerFactory.ServiceConfigKey] = serviceName;
        options.ServiceConfig ??= new ServiceConfig();
        options.ServiceConfig.LoadBalancingConfigs.Clear();
        options.ServiceConfig.LoadBalancingConfigs.Add(config);
    }
}
