using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class LoadBalancerFactoryTests
{
    [Fact]
    public void GetBalancer_ConfigurationReload_AppliesPerServiceOptions()
    {
        var time = new FakeTimeProvider();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:LoadBalancing:SlowStartWindow"] = "00:00:10",
            ["RedBook:LoadBalancing:feed:SlowStartWindow"] = "00:00:20",
        }).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddSingleton<TimeProvider>(time)
            .AddRedBookLoadBalancing()
            .BuildServiceProvider();
        var factory = provider.GetRequiredService<LoadBalancerFactory>();
        var monitor = provider.GetRequiredService<IOptionsMonitor<P2CBalancerOptions>>();

        Assert.Equal(TimeSpan.FromSeconds(20), monitor.Get("feed").SlowStartWindow);
        Assert.Equal(TimeSpan.FromSeconds(10), monitor.Get("mall").SlowStartWindow);

        var feed = factory.GetBalancer("feed");
        Assert.Same(feed, factory.GetBalancer("FEED"));
        feed.UpdateEndpoints([TestEndpoints.Create("http://127.0.0.1:1", "a")]);
        time.Advance(new P2CBalancerOptions().InitialMembersWindow); // "b" joins an established set
        feed.UpdateEndpoints([TestEndpoints.Create("http://127.0.0.1:1", "a"), TestEndpoints.Create("http://127.0.0.1:2", "b")]);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0.1 + (0.9 * 10 / 20), feed.GetSnapshot().Single(s => s.Key == "http://127.0.0.1:2").SlowStartFactor, 6);

        config["RedBook:LoadBalancing:feed:SlowStartWindow"] = "00:00:40";
        config.Reload();

        Assert.Equal(TimeSpan.FromSeconds(40), monitor.Get("feed").SlowStartWindow);
        Assert.Equal(0.1 + (0.9 * 10 / 40), feed.GetSnapshot().Single(s => s.Key == "http://127.0.0.1:2").SlowStartFactor, 6);
    }

    [Fact]
    public void GetBalancer_InvalidReload_KeepsPreviousOptions()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:LoadBalancing:ForcePickInterval"] = "00:00:02",
        }).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddRedBookLoadBalancing()
            .BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<P2CBalancerOptions>>();
        _ = provider.GetRequiredService<LoadBalancerFactory>().GetBalancer("feed");

        config["RedBook:LoadBalancing:ForcePickInterval"] = "00:00:00";
        config.Reload();

        Assert.Equal(TimeSpan.FromSeconds(2), monitor.Get("feed").ForcePickInterval);
    }

    [Fact]
    public void Get_InvalidStartupValue_ThrowsOptionsValidationException()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:LoadBalancing:feed:SlowStartInitialFactor"] = "5",
        }).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddRedBookLoadBalancing()
            .BuildServiceProvider();

        var monitor = provider.GetRequiredService<IOptionsMonitor<P2CBalancerOptions>>();

        Assert.Throws<OptionsValidationException>(() => monitor.Get("feed"));
        Assert.Equal(0.1, monitor.Get("mall").SlowStartInitialFactor);
    }
}
