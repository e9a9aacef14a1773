using RedBook.Testing;

namespace RedBook.Application.Tests.Support;

/// <summary>One redis-server for the tests of the <see cref="RedisCollection"/> (each test uses its own keys or database).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; } = new();

    public Task InitializeAsync() => Redis.StartAsync();

    public Task DisposeAsync() => Redis.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
