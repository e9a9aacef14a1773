using Microsoft.Extensions.DependencyInjection.Extensions;
using RedBook.ServiceDefaults.Etcd.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hooks the etcd configuration source into the host.</summary>
public static class EtcdConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Routes the etcd configuration provider's logs to the host's logging and rejects an etcd change that would
    /// make an options type bound from configuration fail to bind or validate (the previous value stays and the
    /// rejection is logged). <c>AddRedBookEtcd()</c> calls this; call it yourself when you use
    /// <c>Configuration.AddEtcd(...)</c> alone.
    /// </summary>
    public static IServiceCollection AddEtcdConfigurationGuard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(new EtcdServiceCollectionHolder(services));
        services.TryAddSingleton<EtcdConfigurationAttacher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, EtcdConfigurationAttacher>(static sp => sp.GetRequiredService<EtcdConfigurationAttacher>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Options.IConfigureOptions<Hosting.HostOptions>, EtcdConfigurationAttacher>(static sp => sp.GetRequiredService<EtcdConfigurationAttacher>()));
        return services;
    }
}
