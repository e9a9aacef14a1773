using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>Registers RedBook's client-side load balancing.</summary>
public static class LoadBalancingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LoadBalancerFactory"/> and binds <see cref="P2CBalancerOptions"/> from
    /// <c>RedBook:LoadBalancing</c> (every service) and <c>RedBook:LoadBalancing:{service}</c> (one service), validated
    /// with DataAnnotations and re-applied to live balancers when configuration reloads.
    /// </summary>
    public static IServiceCollection AddRedBookLoadBalancing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRedBookNamedOptions<P2CBalancerOptions>(LoadBalancingConstants.ConfigurationSection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new LoadBalancerFactory(
            sp.GetRequiredService<IOptionsMonitor<P2CBalancerOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
