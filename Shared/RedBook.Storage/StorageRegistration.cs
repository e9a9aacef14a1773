using Microsoft.Data.Sqlite;
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
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(defaultFileName);
        var path = builder.Configuration[SqlitePathKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(builder.Environment.ContentRootPath, "App_Data", defaultFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
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
