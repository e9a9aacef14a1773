using RedBook.Testing;
using StackExchange.Redis;

namespace RedBook.FunctionalTests.Redis;

/// <summary>One redis-server shared by the suites of the <see cref="RedisCollection"/> (tests keep apart by key), and a connection to it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; } = new();

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
