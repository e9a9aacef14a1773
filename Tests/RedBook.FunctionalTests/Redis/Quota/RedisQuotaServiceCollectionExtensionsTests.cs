using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;
using StackExchange.Redis;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>How a service turns the Redis store on, and which connection the store takes.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisQuotaServiceCollectionExtensionsTests(RedisFixture fixture)
{
    private readonly string _prefix = $"wiring:{Guid.NewGuid():N}:";

    [Fact]
    public async Task AddRedBookRedisQuotaStore_ConnectionString_LimiterLeasesFromRedis()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new()
            {
                ["ConnectionStrings:redis"] = fixture.Redis.ConnectionString,
                ["RedBook:Quota:Redis:KeyPrefix"] = _prefix,
                ["RedBook:Quota:feed-publish:Capacity"] = "200",
                ["RedBook:Quota:feed-publish:InitialWants"] = "50",
            }))
            .AddRedBookRedisQuotaStore()
            .BuildServiceProvider();

        var store = Assert.IsType<RedisQuotaStore>(services.GetRequiredService<IQuotaStore>());
        Assert.NotSame(fixture.Connection, store.Connection);
        var limiter = services.GetRequiredService<QuotaRateLimiterFactory>().GetLimiter("feed-publish");
        await Poll.UntilAsync(() => limiter.Mode == QuotaMode.Leased, "the limiter's first lease");

        var fields = await fixture.Connection.GetDatabase().HashKeysAsync(_prefix + "feed-publish");
        Assert.Equal(QuotaRateLimiterFactory.DefaultClientId, Assert.Single(fields).ToString());
        Assert.Equal(50, Assert.Single(await store.GetLeasesAsync("feed-publish")).Granted);
    }

    [Fact]
    public async Task AddRedBookRedisQuotaStore_AspireRedisClient_UsesItsMultiplexer()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = fixture.Redis.ConnectionString,
            ["RedBook:Quota:Redis:KeyPrefix"] = _prefix,
        });
        builder.AddRedisClient("redis");
        builder.Services.AddRedBookQuota().AddRedBookRedisQuotaStore("redis");
        using var host = builder.Build();

        var store = Assert.IsType<RedisQuotaStore>(host.Services.GetRequiredService<IQuotaStore>());

        Assert.Same(host.Services.GetRequiredService<IConnectionMultiplexer>(), store.Connection);
        Assert.Equal(7, (await store.AcquireAsync(new QuotaRequest("r", "a", 7, 0))).Granted);
    }

    [Fact]
    public void AddRedBookRedisQuotaStore_KeyedMultiplexer_WinsOverTheUnkeyedOne()
    {
        using var other = ConnectionMultiplexer.Connect(fixture.Redis.ConnectionString);
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new()))
            .AddSingleton<IConnectionMultiplexer>(other)
            .AddKeyedSingleton<IConnectionMultiplexer>("quota-redis", fixture.Connection)
            .AddRedBookRedisQuotaStore("quota-redis")
            .BuildServiceProvider();

        var store = Assert.IsType<RedisQuotaStore>(services.GetRequiredService<IQuotaStore>());

        Assert.Same(fixture.Connection, store.Connection);
    }

    [Fact]
    public void AddRedBookRedisQuotaStore_BeforeAddRedBookQuota_StillReplacesTheInProcessStore()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new()))
            .AddSingleton<IConnectionMultiplexer>(fixture.Connection)
            .AddRedBookRedisQuotaStore()
            .AddRedBookQuota()
            .BuildServiceProvider();

        Assert.IsType<RedisQuotaStore>(services.GetRequiredService<IQuotaStore>());
        Assert.Single(services.GetServices<IQuotaStore>());
    }

    [Fact]
    public void AddRedBookRedisQuotaStore_NoConnection_FailsNamingWhatToRegister()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new()))
            .AddRedBookRedisQuotaStore("cache")
            .BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IQuotaStore>());

        Assert.Contains("AddRedisClient(\"cache\")", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:cache", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RedBook:Quota:Redis:KeyPrefix", "")]
    [InlineData("RedBook:Quota:Redis:Timeout", "00:00:00")]
    [InlineData("RedBook:Quota:Redis:Timeout", "00:05:00")]
    public void AddRedBookRedisQuotaStore_InvalidStoreOptions_AreRejected(string key, string value)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration(new() { [key] = value }))
            .AddSingleton<IConnectionMultiplexer>(fixture.Connection)
            .AddRedBookRedisQuotaStore()
            .BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IQuotaStore>());
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
