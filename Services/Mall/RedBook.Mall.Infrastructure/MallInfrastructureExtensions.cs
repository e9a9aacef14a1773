using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;
using RedBook.Mall.Core;
using RedBook.Mall.Infrastructure.MongoDB;
using RedBook.Mall.Infrastructure.Sqlite;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Storage;

namespace RedBook.Mall.Infrastructure;

/// <summary>Registers the mall's store and use cases.</summary>
public static class MallInfrastructureExtensions
{
    /// <summary>The connection string name of the mall's MongoDB database.</summary>
    public const string MongoConnectionName = "malldb";

    /// <summary>The key of the SQLite file path (used when no MongoDB connection string is given).</summary>
    public const string SqlitePathKey = StorageRegistration.SqlitePathKey;

    /// <summary>The SQLite file's name under <c>{ContentRoot}/App_Data</c> when <see cref="SqlitePathKey"/> is not set.</summary>
    public const string SqliteFileName = "mall.db";

    /// <summary>
    /// The leader election that the mall's jobs and outbox relay run under: the replicas that share the mall's data elect
    /// one leader (<see cref="StorageRegistration.DataElectionName"/>).
    /// </summary>
    public static string DataElectionName(IHostApplicationBuilder builder) =>
        StorageRegistration.DataElectionName(builder, MongoConnectionName, SqliteFileName);

    /// <summary>
    /// Adds <see cref="MallService"/> with its store: MongoDB when <c>ConnectionStrings:malldb</c> is set, otherwise
    /// SQLite at <c>RedBook:Storage:Sqlite:Path</c> (default <c>{ContentRoot}/App_Data/mall.db</c>). Schema and indexes
    /// are created at start-up. The store is also the relay's <see cref="IOutboxStore"/> and the <c>mall-store</c>
    /// health check.
    /// </summary>
    public static IHostApplicationBuilder AddMallInfrastructure(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MallOptions>().BindConfiguration(MallOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(MongoConnectionName)))
        {
            builder.AddRedBookMongoDBClient(MongoConnectionName);
            services.AddSingleton(sp => new MongoMallStore(Database(sp), sp.GetService<IOutboxSignal>()));
            AddStore<MongoMallStore>(services);
        }
        else
        {
            var connectionString = StorageRegistration.SqliteConnectionString(builder, SqliteFileName);
            services.AddSingleton(sp => new SqliteMallStore(connectionString, sp.GetService<IOutboxSignal>()));
            AddStore<SqliteMallStore>(services);
        }

        services.AddSingleton<MallService>();
        return builder;
    }

    // The database the connection string names (AddRedBookMongoDBClient registers it), else "malldb".
    private static IMongoDatabase Database(IServiceProvider services) =>
        services.GetService<IMongoDatabase>() ?? services.GetRequiredService<IMongoClient>().GetDatabase(MongoConnectionName);

    private static void AddStore<TStore>(IServiceCollection services)
        where TStore : class, IMallStore, IHealthCheck
    {
        services.AddSingleton<IMallStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<TStore>());
        services.AddStoreInitializer<IMallStore>(static (store, ct) => store.InitializeAsync(ct));
        services.AddHealthChecks().AddCheck<TStore>("mall-store", tags: ["ready"]);
    }
}
