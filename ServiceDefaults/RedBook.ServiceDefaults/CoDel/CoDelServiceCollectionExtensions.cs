using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.CoDel;

/// <summary>Registers CoDel admission queues.</summary>
public static class CoDelServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="CoDelRateLimiter"/> singleton whose options bind from <c>RedBook:CoDel</c> (the default
    /// queue, resolved as <see cref="CoDelRateLimiter"/>) or <c>RedBook:CoDel:{name}</c> (a named one, resolved as a
    /// keyed service under <paramref name="name"/>), validated on start and applied live.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The queue's name; null for the default queue.</param>
    /// <returns>The options builder, to configure further.</returns>
    public static OptionsBuilder<CoDelOptions> AddCoDelRateLimiter(this IServiceCollection services, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        var section = name is null ? CoDelConstants.ConfigurationSection : $"{CoDelConstants.ConfigurationSection}:{name}";
        var builder = services.AddOptions<CoDelOptions>(name ?? Options.DefaultName)
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

    private static CoDelRateLimiter Create(IServiceProvider sp, string name)
        => new(sp.GetRequiredService<IOptionsMonitor<CoDelOptions>>(), sp.GetRequiredService<TimeProvider>(), name);
}
