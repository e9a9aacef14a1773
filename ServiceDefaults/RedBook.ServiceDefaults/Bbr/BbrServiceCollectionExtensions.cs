using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>Registers BBR limiters and the shared CPU sampler.</summary>
public static class BbrServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="BbrRateLimiter"/> singleton whose options bind from <c>RedBook:Bbr</c> (the default
    /// limiter, resolved as <see cref="BbrRateLimiter"/>) or <c>RedBook:Bbr:{name}</c> (a named one, resolved as
    /// a keyed service under <paramref name="name"/>), validated on start and applied live; plus the shared
    /// <see cref="ICpuUsageSource"/> (a <see cref="CpuUsageSampler"/>) and <see cref="TimeProvider.System"/> unless
    /// already registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The limiter's name; null for the default limiter.</param>
    /// <returns>The options builder, to configure further.</returns>
    public static OptionsBuilder<BbrOptions> AddBbrRateLimiter(this IServiceCollection services, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCpuUsageSampler();
        var optionsName = name ?? Options.DefaultName;
        var section = name is null ? BbrConstants.ConfigurationSection : $"{BbrConstants.ConfigurationSection}:{name}";
        var builder = services.AddOptions<BbrOptions>(optionsName)
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (name is null)
        {
            services.TryAddSingleton(static sp => Create(sp, Options.DefaultName));
        }
        else
        {
            services.TryAddKeyedSingleton(name, static (sp, key) => Create(sp, (string)key!));
        }

        return builder;
    }

    /// <summary>Registers the shared <see cref="ICpuUsageSource"/> (a <see cref="CpuUsageSampler"/> on the registered <see cref="TimeProvider"/>).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCpuUsageSampler(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICpuUsageSource>(static sp => new CpuUsageSampler(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static BbrRateLimiter Create(IServiceProvider sp, string name) => new(
        sp.GetRequiredService<IOptionsMonitor<BbrOptions>>(),
        sp.GetRequiredService<ICpuUsageSource>(),
        sp.GetRequiredService<TimeProvider>(),
        name);
}
