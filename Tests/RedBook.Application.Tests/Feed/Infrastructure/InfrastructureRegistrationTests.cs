using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Infrastructure;
using RedBook.Feed.Infrastructure.MongoDB;
using RedBook.Feed.Infrastructure.Sqlite;
//#if (IncludeMall)
using RedBook.Mall.Core;
using RedBook.Mall.Infrastructure;
using RedBook.Mall.Infrastructure.MongoDB;
using RedBook.Mall.Infrastructure.Sqlite;
//#endif
using RedBook.Messaging.Outbox;

namespace RedBook.Application.Tests.Feed.Infrastructure;

/// <summary>The store is chosen by configuration: a MongoDB connection string, else SQLite at the configured path.</summary>
public sealed class InfrastructureRegistrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"redbook-reg-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void AddFeedInfrastructure_MongoConnectionString_UsesTheMongoStoreAsStoreAndOutbox()
    {
        using var services = Build(b => b.AddFeedInfrastructure(), ("ConnectionStrings:feeddb", "mongodb://127.0.0.1:1/feed_test?directConnection=true"));

        var store = services.GetRequiredService<IFeedStore>();

        Assert.IsType<MongoFeedStore>(store);
        Assert.Same(store, services.GetRequiredService<IOutboxStore>());
        Assert.IsType<PassThroughFeedCache>(services.GetRequiredService<IFeedCache>());
    }

    [Fact]
    public void AddFeedInfrastructure_NoMongo_UsesSqliteAtTheConfiguredPath()
    {
        var path = Path.Combine(_directory, "data", "feed.db");
        using var services = Build(b => b.AddFeedInfrastructure(), (FeedInfrastructureExtensions.SqlitePathKey, path), ("ConnectionStrings:redis", "127.0.0.1:1"));

        Assert.IsType<SqliteFeedStore>(services.GetRequiredService<IFeedStore>());
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.NotNull(services.GetService<RedisCacheChosen>());
    }

//#if (IncludeMall)
    [Fact]
    public void AddMallInfrastructure_ChoosesByConfiguration()
    {
        using var mongo = Build(b => b.AddMallInfrastructure(), ("ConnectionStrings:malldb", "mongodb://127.0.0.1:1/mall_test?directConnection=true"));
        using var sqlite = Build(b => b.AddMallInfrastructure(), (MallInfrastructureExtensions.SqlitePathKey, Path.Combine(_directory, "mall.db")));

        Assert.IsType<MongoMallStore>(mongo.GetRequiredService<IMallStore>());
        Assert.IsType<SqliteMallStore>(sqlite.GetRequiredService<IMallStore>());
        Assert.Same(sqlite.GetRequiredService<IMallStore>(), sqlite.GetRequiredService<IOutboxStore>());
    }
//#endif

    private ServiceProvider Build(Action<IHostApplicationBuilder> add, params (string Key, string Value)[] settings)
    {
        Directory.CreateDirectory(_directory);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        add(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(IFeedCache) && d.ImplementationType == typeof(RedBook.Feed.Infrastructure.Caching.RedisFeedCache)))
        {
            builder.Services.AddSingleton<RedisCacheChosen>();
        }

        return builder.Services.BuildServiceProvider();
    }

    /// <summary>Registered when the Redis cache was chosen (resolving the cache itself would connect).</summary>
    private sealed class RedisCacheChosen;
}
