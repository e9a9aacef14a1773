using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Quota;

namespace RedBook.ServiceDefaults.Tests.Quota;

public class QuotaServiceCollectionExtensionsTests
{
    [Fact]
    public void AddRedBookQuota_ConfiguredResource_LeasesFromInProcessStoreAndFollowsReload()
    {
        var time = new FakeTimeProvider();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Quota:StaticLimit"] = "5",
            ["RedBook:Quota:feed-publish:Capacity"] = "200",
            ["RedBook:Quota:feed-publish:InitialWants"] = "50",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddSingleton<TimeProvider>(time)
            .AddRedBookQuota()
            .BuildServiceProvider();

        // The README snippet's code path: resolve the factory, take the resource's limiter, acquire.
        var limiter = services.GetRequiredService<QuotaRateLimiterFactory>().GetLimiter("feed-publish");
        Assert.Same(limiter, services.GetRequiredService<QuotaRateLimiterFactory>().GetLimiter("feed-publish"));
        time.Advance(TimeSpan.Zero);
        Assert.Equal((QuotaMode.Leased, 50.0), (limiter.Mode, limiter.CurrentLimit));
        using (var lease = limiter.AttemptAcquire())
        {
            Assert.True(lease.IsAcquired);
        }

        config["RedBook:Quota:feed-publish:Capacity"] = "20";
        config.Reload();
        for (var second = 0; second < 15; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                limiter.AttemptAcquire().Dispose(); // demand 100/s
            }

            time.Advance(TimeSpan.FromSeconds(1)); // the refreshes see the new capacity
        }

        Assert.Equal(20.0, limiter.CurrentLimit);
        Assert.IsType<InProcessQuotaStore>(services.GetRequiredService<IQuotaStore>());
    }
}
