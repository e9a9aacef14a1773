using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Isolation;

/// <summary>Registers the isolation limiters.</summary>
public static class IsolationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IsolationLimiters"/> as a singleton whose options bind from <c>RedBook:Isolation</c>,
    /// validated on start and rebuilt live when the configuration changes.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The options builder, to configure further.</returns>
    public static OptionsBuilder<IsolationOptions> AddIsolationLimiters(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new IsolationLimiters(
            sp.GetRequiredService<IOptionsMonitor<IsolationOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services.AddOptions<IsolationOptions>()
            .BindConfiguration(IsolationConstants.ConfigurationSection)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
