using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Degrade;

/// <summary>Registers RedBook's degrade caches.</summary>
public static class DegradeServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DegradeOptions"/> from <c>RedBook:Degrade</c> / <c>RedBook:Degrade:{name}</c> (validated,
    /// reloaded live) and registers a singleton <see cref="DegradeCache{TKey, TValue}"/> named <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The cache's name (its configuration key and metric tag).</param>
    /// <param name="fallback">The default value when nothing stale is cached; null to let the error propagate.</param>
    public static IServiceCollection AddRedBookDegradeCache<TKey, TValue>(this IServiceCollection services, string name, Func<TKey, TValue>? fallback = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddRedBookNamedOptions<DegradeOptions>(DegradeConstants.ConfigurationSection);
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(name, (sp, _) => new DegradeCache<TKey, TValue>(
            name, sp.GetRequiredService<IOptionsMonitor<DegradeOptions>>(), fallback, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
