using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Quota;

/// <summary>Registers RedBook's distributed quota.</summary>
public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="QuotaOptions"/> from <c>RedBook:Quota</c> / <c>RedBook:Quota:{resource}</c> (validated, reloaded
    /// live), registers <see cref="InProcessQuotaStore"/> as the <see cref="IQuotaStore"/> unless another store is
    /// registered, and <see cref="QuotaRateLimiterFactory"/>.
    /// </summary>
    public static IServiceCollection AddRedBookQuota(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRedBookNamedOptions<QuotaOptions>(QuotaConstants.ConfigurationSection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IQuotaStore>(sp => new InProcessQuotaStore(
            sp.GetRequiredService<IOptionsMonitor<QuotaOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new QuotaRateLimiterFactory(
            sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<IOptionsMonitor<QuotaOptions>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}

/// <summary>Creates <see cref="QuotaRateLimiter"/>s, one per resource, shared (they are long-lived: they hold leases).</summary>
public sealed class QuotaRateLimiterFactory : IDisposable
{
    private readonly IQuotaStore _store;
    private readonly IOptionsMonitor<QuotaOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QuotaRateLimiter> _limiters = new(StringComparer.Ordinal);

    /// <summary>Creates the factory.</summary>
    public QuotaRateLimiterFactory(IQuotaStore store, IOptionsMonitor<QuotaOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>This process's client id: <c>{machine}:{pid}</c>.</summary>
    public static string DefaultClientId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The shared limiter of <paramref name="resource"/> (created, and starts leasing, on first use).</summary>
    public QuotaRateLimiter GetLimiter(string resource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        lock (_gate)
        {
            if (!_limiters.TryGetValue(resource, out var limiter))
            {
                limiter = new QuotaRateLimiter(resource, DefaultClientId, _store, _options, _timeProvider);
                _limiters[resource] = limiter;
            }

            return limiter;
        }
    }

    /// <summary>Disposes the limiters (releasing their leases).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var limiter in _limiters.Values)
            {
                limiter.Dispose();
            }

            _limiters.Clear();
        }
    }
}
