using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Quota;
using StackExchange.Redis;

namespace RedBook.ServiceDefaults.Redis.Quota;

/// <summary>Registers the Redis quota store.</summary>
public static class RedisQuotaServiceCollectionExtensions
{
    /// <summary>
    /// Registers RedBook's distributed quota (<see cref="QuotaServiceCollectionExtensions.AddRedBookQuota"/>) with
    /// <see cref="RedisQuotaStore"/> as the <see cref="IQuotaStore"/>, in place of the in-process store, whatever the
    /// order of the two calls. The store's options bind from <c>RedBook:Quota:Redis</c>
    /// (<see cref="RedisQuotaStoreOptions"/>, validated at start); the resources' options stay in
    /// <c>RedBook:Quota[:{resource}]</c>.
    /// </summary>
    /// <remarks>
    /// The Redis connection is, in this order: the <see cref="IConnectionMultiplexer"/> registered with the connection
    /// name as its key (Aspire's <c>AddKeyedRedisClient(name)</c>); the unkeyed one (Aspire's
    /// <c>AddRedisClient(name)</c>); or a multiplexer the store opens from <c>ConnectionStrings:{name}</c> (with
    /// <c>abortConnect=false</c>, so a Redis that is down at start is retried in the background) and disposes with the
    /// service provider. With none of them, resolving the store fails and says what to register.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="connectionName">The connection name; overrides <see cref="RedisQuotaStoreOptions.ConnectionName"/> (<c>redis</c>) when given.</param>
    /// <param name="configure">Changes the store's options after configuration binding.</param>
    public static IServiceCollection AddRedBookRedisQuotaStore(this IServiceCollection services, string? connectionName = null, Action<RedisQuotaStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (connectionName is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        }

        services.AddRedBookQuota();
        var options = services.AddOptions<RedisQuotaStoreOptions>()
            .BindConfiguration(RedisQuotaStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (connectionName is not null)
        {
            options.Configure(o => o.ConnectionName = connectionName);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<OwnedRedisConnections>();
        services.Replace(ServiceDescriptor.Singleton<IQuotaStore>(sp =>
        {
            var storeOptions = sp.GetRequiredService<IOptions<RedisQuotaStoreOptions>>().Value;
            return new RedisQuotaStore(
                ResolveConnection(sp, storeOptions.ConnectionName),
                sp.GetRequiredService<IOptionsMonitor<QuotaOptions>>(),
                storeOptions,
                sp.GetRequiredService<TimeProvider>());
        }));
        return services;
    }

    private static IConnectionMultiplexer ResolveConnection(IServiceProvider services, string name) =>
        services.GetKeyedService<IConnectionMultiplexer>(name)
        ?? services.GetService<IConnectionMultiplexer>()
        ?? services.GetRequiredService<OwnedRedisConnections>().Get(name);

    /// <summary>The multiplexers opened from connection strings because none was registered; disposed with the provider.</summary>
    private sealed class OwnedRedisConnections(IConfiguration? configuration = null) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, ConnectionMultiplexer> _connections = new(StringComparer.Ordinal);

        public ConnectionMultiplexer Get(string name)
        {
            lock (_gate)
            {
                if (_connections.TryGetValue(name, out var existing))
                {
                    return existing;
                }

                var connectionString = configuration?.GetConnectionString(name);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        $"The Redis quota store has no connection '{name}': register an IConnectionMultiplexer (builder.AddRedisClient(\"{name}\") " +
                        $"from Aspire.StackExchange.Redis) or set ConnectionStrings:{name}.");
                }

                var options = ConfigurationOptions.Parse(connectionString);
                options.AbortOnConnectFail = false;
                var connection = ConnectionMultiplexer.Connect(options);
                _connections[name] = connection;
                return connection;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                foreach (var connection in _connections.Values)
                {
                    connection.Dispose();
                }

                _connections.Clear();
            }
        }
    }
}
