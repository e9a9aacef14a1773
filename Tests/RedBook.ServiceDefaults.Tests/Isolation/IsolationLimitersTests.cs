using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Isolation;
using RedBook.ServiceDefaults.Tests.Bbr;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Isolation;

public class IsolationLimitersTests
{
    private readonly TrackingFakeTimeProvider _time = new();

    private static IsolationOptions Options(Action<IsolationOptions> configure)
    {
        var options = new IsolationOptions();
        configure(options);
        return options;
    }

    private static List<RateLimitLease> Take(PartitionedRateLimiter<string> limiter, string key, int count)
        => Enumerable.Range(0, count).Select(_ => limiter.AttemptAcquire(key)).ToList();

    [Fact]
    public void Dependencies_EachHasItsOwnBulkhead()
    {
        using var isolation = new IsolationLimiters(Options(o =>
        {
            o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 1 };
            o.Dependencies["redis"] = new BulkheadOptions { MaxConcurrency = 2 };
        }), _time);

        var mall = Take(isolation.Dependencies, "mall-api", 2);
        var redis = Take(isolation.Dependencies, "redis", 3);

        Assert.Equal([true, false], mall.Select(l => l.IsAcquired));
        Assert.Equal([true, true, false], redis.Select(l => l.IsAcquired));
        Assert.False(isolation.Dependencies.AttemptAcquire("MALL-API").IsAcquired);   // names ignore case
        mall[0].Dispose();
        using var again = isolation.Dependencies.AttemptAcquire("mall-api");
        Assert.True(again.IsAcquired);
    }

    [Fact]
    public void Dependencies_UnknownName_UnlimitedOrDefaultBulkheadEach()
    {
        using var unlimited = new IsolationLimiters(new IsolationOptions(), _time);
        Assert.All(Take(unlimited.Dependencies, "etcd", 500), l => Assert.True(l.IsAcquired));

        using var defaulted = new IsolationLimiters(Options(o => o.DefaultDependency = new BulkheadOptions { MaxConcurrency = 1 }), _time);
        Assert.Equal([true, false], Take(defaulted.Dependencies, "etcd", 2).Select(l => l.IsAcquired));
        Assert.Equal([true, false], Take(defaulted.Dependencies, "kafka", 2).Select(l => l.IsAcquired));
    }

    [Fact]
    public async Task Dependencies_QueueLimit_QueuesOldestFirstThenRejects()
    {
        using var isolation = new IsolationLimiters(Options(o => o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 1, QueueLimit = 1 }), _time);
        var holder = await isolation.Dependencies.AcquireAsync("mall-api");

        var queued = isolation.Dependencies.AcquireAsync("mall-api");
        var rejected = await isolation.Dependencies.AcquireAsync("mall-api");

        Assert.False(queued.IsCompleted);
        Assert.False(rejected.IsAcquired);
        holder.Dispose();
        using var served = await queued;
        Assert.True(served.IsAcquired);
    }

    [Fact]
    public void Routes_RateLimit_AllowsBurstThenRejects()
    {
        // One token per 1000 s: the framework's wall-clock refill cannot add one during the test.
        using var isolation = new IsolationLimiters(Options(o => o.Routes["/api/feed/{id}"] = new RoutePartitionOptions { PermitsPerSecond = 0.001, Burst = 2 }), _time);

        var leases = Take(isolation.Routes, "/api/feed/{id}", 3);

        Assert.Equal([true, true, false], leases.Select(l => l.IsAcquired));
        Assert.True(leases[2].TryGetMetadata(MetadataName.RetryAfter, out _));
    }

    [Fact]
    public void Routes_ConcurrencyLimit_RejectsUntilReleased_AndRoutesAreIndependent()
    {
        using var isolation = new IsolationLimiters(Options(o =>
        {
            o.Routes["/api/mall/orders"] = new RoutePartitionOptions { MaxConcurrency = 1 };
            o.Routes["/api/feed"] = new RoutePartitionOptions { MaxConcurrency = 1 };
        }), _time);

        var orders = Take(isolation.Routes, "/api/mall/orders", 2);
        using var feed = isolation.Routes.AttemptAcquire("/api/feed");

        Assert.Equal([true, false], orders.Select(l => l.IsAcquired));
        Assert.True(feed.IsAcquired);
        orders[0].Dispose();
        using var again = isolation.Routes.AttemptAcquire("/api/mall/orders");
        Assert.True(again.IsAcquired);
    }

    [Fact]
    public void Routes_RateAndConcurrency_AreChained()
    {
        using var isolation = new IsolationLimiters(Options(o =>
            o.Routes["/api/upload"] = new RoutePartitionOptions { PermitsPerSecond = 0.001, Burst = 3, MaxConcurrency = 1 }), _time);

        var first = isolation.Routes.AttemptAcquire("/api/upload");    // token 1, slot 1
        var second = isolation.Routes.AttemptAcquire("/api/upload");   // token 2, no slot
        first.Dispose();
        var third = isolation.Routes.AttemptAcquire("/api/upload");    // token 3, slot
        third.Dispose();
        var fourth = isolation.Routes.AttemptAcquire("/api/upload");   // no token left

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(third.IsAcquired);
        Assert.False(fourth.IsAcquired);
    }

    [Fact]
    public void Routes_UnknownPattern_IsUnlimited()
    {
        using var isolation = new IsolationLimiters(Options(o => o.Routes["/api/feed"] = new RoutePartitionOptions { MaxConcurrency = 1 }), _time);
        Assert.All(Take(isolation.Routes, "/api/other", 200), l => Assert.True(l.IsAcquired));
    }

    [Fact]
    public void Update_SwapsLimitersLive_OldLeasesReleaseToOldGeneration_WhichIsDisposedLater()
    {
        var monitor = new TestOptionsMonitor<IsolationOptions>(Options(o => o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 1 }));
        using var isolation = new IsolationLimiters(monitor, _time);
        var old = isolation.Dependencies.AttemptAcquire("mall-api");
        Assert.False(isolation.Dependencies.AttemptAcquire("mall-api").IsAcquired);

        monitor.Set(Options(o => o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 2 }));

        var fresh = Take(isolation.Dependencies, "mall-api", 3);     // a new generation: two fresh slots
        Assert.Equal([true, true, false], fresh.Select(l => l.IsAcquired));
        Assert.Equal(2, isolation.CurrentOptions.Dependencies["mall-api"].MaxConcurrency);
        Assert.Equal(1, _time.ActiveTimers);

        old.Dispose();                                               // releases to the old generation: no new slot
        Assert.False(isolation.Dependencies.AttemptAcquire("mall-api").IsAcquired);

        _time.Advance(IsolationConstants.RetiredGenerationLifetime);
        Assert.Equal(0, _time.ActiveTimers);                         // the old generation is gone
        fresh.ForEach(l => l.Dispose());
        using var after = isolation.Dependencies.AttemptAcquire("mall-api");
        Assert.True(after.IsAcquired);
    }

    [Fact]
    public void Update_LeaseOfRetiredGenerationDisposedAfterRetirement_DoesNotThrow()
    {
        using var isolation = new IsolationLimiters(Options(o => o.Routes["/r"] = new RoutePartitionOptions { MaxConcurrency = 1 }), _time);
        var old = isolation.Routes.AttemptAcquire("/r");
        isolation.Update(new IsolationOptions());
        _time.Advance(IsolationConstants.RetiredGenerationLifetime);

        old.Dispose();

        Assert.All(Take(isolation.Routes, "/r", 10), l => Assert.True(l.IsAcquired));
    }

    [Fact]
    public void Update_InvalidOptions_ThrowsWithPathAndKeepsOldLimiters()
    {
        using var isolation = new IsolationLimiters(Options(o => o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 1 }), _time);

        var error = Assert.Throws<ValidationException>(() =>
            isolation.Update(Options(o => o.Dependencies["mall-api"] = new BulkheadOptions { MaxConcurrency = 0 })));
        Assert.Contains("Dependencies:mall-api", error.Message, StringComparison.Ordinal);
        Assert.Throws<ValidationException>(() => isolation.Update(Options(o => o.Routes["/r"] = new RoutePartitionOptions { Burst = 3 })));

        Assert.Equal(1, isolation.CurrentOptions.Dependencies["mall-api"].MaxConcurrency);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public void Dispose_DisposesEveryGeneration()
    {
        var isolation = new IsolationLimiters(Options(o => o.Dependencies["a"] = new BulkheadOptions { MaxConcurrency = 1 }), _time);
        isolation.Update(new IsolationOptions());
        Assert.Equal(1, _time.ActiveTimers);

        isolation.Dispose();
        isolation.Dispose();

        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public void AddIsolationLimiters_BindsConfigurationAndRebuildsOnReload()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Isolation:Dependencies:mall-api:MaxConcurrency"] = "1",
            ["RedBook:Isolation:Routes:/api/feed/{id}:MaxConcurrency"] = "1",
            ["RedBook:Isolation:Routes:/api/feed/{id}:PermitsPerSecond"] = "1000",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton<TimeProvider>(_time);
        services.AddIsolationLimiters();
        using var provider = services.BuildServiceProvider();
        var isolation = provider.GetRequiredService<IsolationLimiters>();

        Assert.Equal([true, false], Take(isolation.Dependencies, "mall-api", 2).Select(l => l.IsAcquired));
        Assert.Equal([true, false], Take(isolation.Routes, "/api/feed/{id}", 2).Select(l => l.IsAcquired));

        config["RedBook:Isolation:Dependencies:mall-api:MaxConcurrency"] = "3";
        config.Reload();

        Assert.Equal([true, true, true, false], Take(isolation.Dependencies, "mall-api", 4).Select(l => l.IsAcquired));
    }

    [Fact]
    public void AddIsolationLimiters_InvalidConfiguration_FailsValidation()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Isolation:Routes:/x:MaxConcurrency"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddIsolationLimiters();
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IsolationLimiters>());
    }
}
