using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RedBook.Storage;

/// <summary>How a service chooses and prepares its store.</summary>
public static class StorageRegistration
{
    /// <summary>The key of the SQLite file path, used when no MongoDB connection string is given.</summary>
    public const string SqlitePathKey = "RedBook:Storage:Sqlite:Path";

    /// <summary>
    /// The connection string of the service's SQLite file: <c>RedBook:Storage:Sqlite:Path</c> (relative to the content
    /// root), else <c>{ContentRoot}/App_Data/{defaultFileName}</c>. Creates the file's directory.
    /// </summary>
    public static string SqliteConnectionString(IHostApplicationBuilder builder, string defaultFileName)
    {
        var path = SqlitePath(builder, defaultFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>
    /// The name of the leader election that work on the service's data runs under (its jobs, its outbox relay): replicas
    /// that share the data share the election, so exactly one of them does that work. With MongoDB
    /// (<c>ConnectionStrings:{mongoConnectionName}</c> set) every replica reaches the same database: the election is the
    /// connection name. With SQLite the data is one file on one machine: the election is <c>sqlite-</c> and a hash of the
    /// host name and the file's full path, so replicas that open the same file elect one leader, and a replica with a
    /// file of its own leads its own.
    /// </summary>
    public static string DataElectionName(IHostApplicationBuilder builder, string mongoConnectionName, string sqliteDefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(mongoConnectionName);
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(mongoConnectionName)))
        {
            return mongoConnectionName;
        }

        var file = $"{Environment.MachineName}\n{SqlitePath(builder, sqliteDefaultFileName)}";
        return "sqlite-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file)))[..16];
    }

    private static string SqlitePath(IHostApplicationBuilder builder, string defaultFileName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(defaultFileName);
        return builder.Configuration[SqlitePathKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(builder.Environment.ContentRootPath, "App_Data", defaultFileName);
    }

    /// <summary>Runs <paramref name="initialize"/> (schema and indexes, idempotent) before the service takes requests.</summary>
    public static IServiceCollection AddStoreInitializer<TStore>(this IServiceCollection services, Func<TStore, CancellationToken, Task> initialize)
        where TStore : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(initialize);
        return services.AddHostedService(sp => new StoreInitializer(ct => initialize(sp.GetRequiredService<TStore>(), ct)));
    }

    private sealed class StoreInitializer(Func<CancellationToken, Task> initialize) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initialize(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
