using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Infrastructure.Caching;
using RedBook.Feed.Infrastructure.MongoDB;
using RedBook.Feed.Infrastructure.Sqlite;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Storage;

namespace RedBook.Feed.Infrastructure;

/// <summary>Registers the feed's store, cache and use cases.</summary>
public static class FeedInfrastructureExtensions
{
    /// <summary>The connection string name of the feed's MongoDB database.</summary>
    public const string MongoConnectionName = "feeddb";

    /// <summary>The connection string name of Redis.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>The key of the SQLite file path (used when no MongoDB connection string is given).</summary>
    public const string SqlitePathKey = StorageRegistration.SqlitePathKey;

    /// <summary>The SQLite file's name under <c>{ContentRoot}/App_Data</c> when <see cref="SqlitePathKey"/> is not set.</summary>
    public const string SqliteFileName = "feed.db";

    /// <summary>
    /// The leader election that the feed's jobs and outbox relay run under: the replicas that share the feed's data elect
    /// one leader (<see cref="StorageRegistration.DataElectionName"/>).
    /// </summary>
    public static string DataElectionName(IHostApplicationBuilder builder) =>
        StorageRegistration.DataElectionName(builder, MongoConnectionName, SqliteFileName);

    /// <summary>
    /// Adds <see cref="FeedService"/> with its store and cache. The store is MongoDB when
    /// <c>ConnectionStrings:feeddb</c> is set, otherwise SQLite at <c>RedBook:Storage:Sqlite:Path</c> (default
    /// <c>{ContentRoot}/App_Data/feed.db</c>); its schema and indexes are created at start-up. The cache is Redis when
    /// <c>ConnectionStrings:redis</c> is set, otherwise none. The store is also registered as the relay's
    /// <see cref="IOutboxStore"/> and as the <c>feed-store</c> health check.
    /// </summary>
    public static IHostApplicationBuilder AddFeedInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(MongoConnectionName)))
        {
            builder.AddRedBookMongoDBClient(MongoConnectionName);
            services.AddSingleton(sp => new MongoFeedStore(Database(sp), sp.GetRequiredService<TimeProvider>(), sp.GetService<IOutboxSignal>()));
            AddStore<MongoFeedStore>(services);
        }
        else
        {
            var connectionString = StorageRegistration.SqliteConnectionString(builder, SqliteFileName);
            services.AddSingleton(sp => new SqliteFeedStore(connectionString, sp.GetRequiredService<TimeProvider>(), sp.GetService<IOutboxSignal>()));
            AddStore<SqliteFeedStore>(services);
        }

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            builder.AddRedisClient(RedisConnectionName);
            services.AddSingleton<IFeedCache, RedisFeedCache>();
        }
        else
        {
            services.AddSingleton<IFeedCache, PassThroughFeedCache>();
        }

        services.AddSingleton<FeedService>();
        return builder;
    }

    // The database the connection string names (AddRedBookMongoDBClient registers it), else "feeddb".
    private static IMongoDatabase Database(IServiceProvider services) =>
        services.GetService<IMongoDatabase>() ?? services.GetRequiredService<IMongoClient>().GetDatabase(MongoConnectionName);

    private static void AddStore<TStore>(IServiceCollection services)
        where TStore : class, IFeedStore, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        services.AddSingleton<IFeedStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<TStore>());
        services.AddStoreInitializer<IFeedStore>(static (store, ct) => store.InitializeAsync(ct));
        services.AddHealthChecks().AddCheck<TStore>("feed-store", tags: ["ready"]);
    }
}
