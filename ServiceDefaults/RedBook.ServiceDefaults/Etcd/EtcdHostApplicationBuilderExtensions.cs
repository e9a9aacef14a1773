using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Etcd;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Etcd.Configuration;
using RedBook.ServiceDefaults.Etcd.Discovery;
using RedBook.ServiceDefaults.Etcd.Registry;
using RedBook.ServiceDefaults.Lifecycle;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires etcd into a RedBook service with one call.</summary>
public static class EtcdHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds everything etcd gives a RedBook service, configured from <c>RedBook:Etcd</c> (endpoints, credentials)
    /// and <c>RedBook:Service</c> (name, instance id, zone, colour, weight, version):
    /// live configuration from <c>/redbook/config/_global/</c> and <c>/redbook/config/{name}/</c> (see
    /// <c>AddEtcd</c>) with the guard that rejects values that would not bind; registration of this instance
    /// under <c>/redbook/services/{name}/{instanceId}</c> on a kept-alive lease, deregistered first on graceful
    /// shutdown; and an endpoint provider of Microsoft.Extensions.ServiceDiscovery (<see cref="IServiceEndpointProviderFactory"/>)
    /// that watches the registry, registered ahead of the library's pass-through provider. Without any
    /// <c>RedBook:Etcd:Endpoints</c> it adds nothing, so a service runs without etcd too.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configureSource">
    /// Adjusts the configuration source's options after they are bound from <c>RedBook:Etcd</c>. Its
    /// <see cref="EtcdConfigurationOptions.CreateHttpHandler"/> (to trust a private CA, say) is used by the
    /// registrar's and the discovery provider's client too.
    /// </param>
    /// <example>
    /// <code>
    /// // RedBook__Etcd__Endpoints__0=http://127.0.0.1:2379  RedBook__Service__Name=feed
    /// var builder = WebApplication.CreateBuilder(args);
    /// builder.AddRedBookEtcd();
    /// </code>
    /// </example>
    public static TBuilder AddRedBookEtcd<TBuilder>(this TBuilder builder, Action<EtcdConfigurationOptions>? configureSource = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(EtcdOptions.SectionName);
        var hasEndpoints = section.GetSection(nameof(EtcdOptions.Endpoints)).GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));
        if (!hasEndpoints)
        {
            return builder;
        }

        var serviceName = builder.Configuration[$"{EtcdRegistrationOptions.SectionName}:{nameof(EtcdRegistrationOptions.Name)}"];
        var appName = string.IsNullOrWhiteSpace(serviceName) ? builder.Environment.ApplicationName : serviceName;
        Func<HttpMessageHandler>? createHandler = null;
        builder.Configuration.AddEtcd(o =>
        {
            section.Bind(o);
            o.AppName = appName;
            configureSource?.Invoke(o);
            createHandler = o.CreateHttpHandler;
        });

        var services = builder.Services;
        services.AddOptions<EtcdOptions>().BindConfiguration(EtcdOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EtcdRegistrationOptions>()
            .BindConfiguration(EtcdRegistrationOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, env) => o.Name ??= env.ApplicationName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new EtcdClient(
            () => sp.GetRequiredService<IOptionsMonitor<EtcdOptions>>().CurrentValue,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EtcdClient>(),
            createHandler?.Invoke()));

        services.TryAddSingleton<EtcdServiceDiscoveryProvider>();
        services.AddHostedService(static sp => sp.GetRequiredService<EtcdServiceDiscoveryProvider>());
        AddEndpointProvider(services);

        services.TryAddSingleton<EtcdServiceRegistrar>();
        services.AddHostedService(static sp => sp.GetRequiredService<EtcdServiceRegistrar>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IShutdownParticipant, EtcdServiceRegistrar>(static sp => sp.GetRequiredService<EtcdServiceRegistrar>()));

        services.AddEtcdConfigurationGuard();
        return builder;
    }

    /// <summary>
    /// Registers the registry's endpoint provider with service discovery, before the pass-through provider when that is
    /// already registered (the library consults providers in registration order and the pass-through one answers any
    /// query nobody else did).
    /// </summary>
    private static void AddEndpointProvider(IServiceCollection services)
    {
        services.AddServiceDiscoveryCore();
        if (services.Any(d => d.ServiceType == typeof(IServiceEndpointProviderFactory) && d.ImplementationFactory?.Method.ReturnType == typeof(EtcdServiceEndpointProviderFactory)))
        {
            return;
        }

        var descriptor = ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, EtcdServiceEndpointProviderFactory>(
            static sp => new EtcdServiceEndpointProviderFactory(sp.GetRequiredService<EtcdServiceDiscoveryProvider>()));
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(IServiceEndpointProviderFactory) && services[i].ImplementationType?.Name == "PassThroughServiceEndpointProviderFactory")
            {
                services.Insert(i, descriptor);
                return;
            }
        }

        services.Add(descriptor);
    }
}
