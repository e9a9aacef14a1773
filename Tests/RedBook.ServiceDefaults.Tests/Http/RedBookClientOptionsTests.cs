using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;

namespace RedBook.ServiceDefaults.Tests.Http;

public class RedBookClientOptionsTests
{
    private static ServiceProvider Build(IConfiguration config, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(config);
        register?.Invoke(services);
        services.AddHttpClient("feed").AddRedBookPipeline();
        services.AddHttpClient("mall", c => c.Timeout = TimeSpan.FromSeconds(3));
        services.ConfigureHttpClientDefaults(b => b.AddRedBookPipeline());
        return services.BuildServiceProvider();
    }

    private static IConfigurationRoot Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public async Task Get_ClientSection_LayersOverDefaults()
    {
        var config = Config(new()
        {
            ["RedBook:Clients:Defaults:Retry:MaxAttempts"] = "2",
            ["RedBook:Clients:Defaults:Deadline:DefaultTimeout"] = "00:00:00.250",
            ["RedBook:Clients:Defaults:Breaker:K"] = "2",
            ["RedBook:Clients:feed:Retry:Enabled"] = "false",
            ["RedBook:Clients:feed:Breaker:K"] = "1.2",
        });
        await using var sp = Build(config);
        var monitor = sp.GetRequiredService<IOptionsMonitor<RedBookClientOptions>>();

        var feed = monitor.Get("feed");
        var mall = monitor.Get("mall");

        Assert.False(feed.Retry.Enabled);
        Assert.Equal(2, feed.Retry.MaxAttempts);
        Assert.Equal(1.2, feed.Breaker.K);
        Assert.Equal(TimeSpan.FromMilliseconds(250), feed.Deadline.DefaultTimeout);
        Assert.True(mall.Retry.Enabled);
        Assert.Equal(2.0, mall.Breaker.K);
        Assert.Null(mall.Breaker.MinimumRequests);
        Assert.True(feed.LoadBalancing.Enabled && feed.Metadata.Enabled && feed.Telemetry.Enabled);
    }

    [Fact]
    public async Task Get_NoConfiguration_EverythingOnWithLibraryDefaults()
    {
        await using var sp = Build(Config([]));

        var options = sp.GetRequiredService<IOptionsMonitor<RedBookClientOptions>>().Get("feed");

        Assert.True(options.Deadline.Enabled && options.Retry.Enabled && options.Breaker.Enabled);
        Assert.Null(options.Deadline.DefaultTimeout);
        Assert.Null(options.Retry.MaxAttempts);
    }

    [Fact]
    public async Task Get_OutOfRangeValue_FailsWithTheSectionAndKey()
    {
        await using var sp = Build(Config(new() { ["RedBook:Clients:feed:Retry:MaxAttempts"] = "50" }));

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<RedBookClientOptions>>().Get("feed"));

        Assert.Contains("Retry", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ProbeInterval", "00:00:00.001")]
    [InlineData("ProbeInterval", "00:05:00")]
    [InlineData("RecoverySuccesses", "-1")]
    [InlineData("K", "0.5")]
    public async Task Get_OutOfRangeBreakerKnob_FailsNamingIt(string key, string value)
    {
        await using var sp = Build(Config(new() { [$"RedBook:Clients:feed:Breaker:{key}"] = value }));

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<RedBookClientOptions>>().Get("feed"));

        Assert.Contains("Breaker", ex.Message, StringComparison.Ordinal);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BreakerOptions_ClientKnobs_ReachTheThrottle()
    {
        var knobs = new ClientBreakerOptions { K = 2, MinimumRequests = 5, Window = TimeSpan.FromSeconds(4), ProbeInterval = TimeSpan.FromMilliseconds(300), RecoverySuccesses = 0 };

        var throttle = ClientPipelineFactory.BreakerOptions("feed", knobs, new RedBook.ServiceDefaults.Breaker.SreThrottleRegistry(TimeProvider.System)).ToThrottleOptions();

        Assert.Equal((2.0, 5, TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(300), 0), (throttle.K, throttle.MinimumRequests, throttle.Window, throttle.ProbeInterval, throttle.RecoverySuccesses));
        var defaults = ClientPipelineFactory.BreakerOptions("feed", new ClientBreakerOptions(), new RedBook.ServiceDefaults.Breaker.SreThrottleRegistry(TimeProvider.System)).ToThrottleOptions();
        Assert.Equal((TimeSpan.FromSeconds(1), 10), (defaults.ProbeInterval, defaults.RecoverySuccesses));
    }

    [Fact]
    public async Task Validate_SectionForAnUnregisteredClient_FailsWithUnknownClient()
    {
        await using var sp = Build(Config(new() { ["RedBook:Clients:fede:Retry:Enabled"] = "false" }));

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RedBookClientOptions>>().Value);

        Assert.Contains(WellKnownReasons.UnknownClient, ex.Message, StringComparison.Ordinal);
        Assert.Contains("RedBook:Clients:fede", ex.Message, StringComparison.Ordinal);
        Assert.Contains("feed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SectionsForRegisteredClients_Pass()
    {
        await using var sp = Build(
            Config(new()
            {
                ["RedBook:Clients:Defaults:Retry:Enabled"] = "true",
                ["RedBook:Clients:FEED:Retry:Enabled"] = "false",
                ["RedBook:Clients:mall:Retry:Enabled"] = "false",
                ["RedBook:Clients:bare:Retry:Enabled"] = "false",
                ["RedBook:Clients:TypedClient:Retry:Enabled"] = "false",
            }),
            s =>
            {
                s.AddHttpClient("bare", c => c.Timeout = TimeSpan.FromSeconds(1));
                s.AddHttpClient<TypedClient>();
            });

        Assert.True(sp.GetRequiredService<IOptions<RedBookClientOptions>>().Value.Retry.Enabled);
    }

    [Fact]
    public async Task Get_ConfigurationReload_ClientSeesTheNewValues()
    {
        var config = Config(new() { ["RedBook:Clients:feed:Retry:Enabled"] = "true" });
        await using var sp = Build(config);
        var pipelines = sp.GetRequiredService<RedBookClientPipelines>();
        var before = pipelines.Get("feed");

        config["RedBook:Clients:feed:Retry:Enabled"] = "false";
        config.Reload();
        var after = pipelines.Get("feed");

        Assert.True(before.Options.Retry.Enabled);
        Assert.False(after.Options.Retry.Enabled);
        Assert.NotSame(before, after);
    }

    [Fact]
    public async Task Get_ReloadThatDoesNotTouchTheClient_KeepsTheRuntime()
    {
        var config = Config(new() { ["RedBook:Clients:feed:Retry:Enabled"] = "true" });
        await using var sp = Build(config);
        var pipelines = sp.GetRequiredService<RedBookClientPipelines>();
        var before = pipelines.Get("feed");

        config["Unrelated:Key"] = "1";
        config.Reload();

        Assert.Same(before, pipelines.Get("feed"));
    }

    internal sealed class TypedClient(HttpClient client)
    {
        public HttpClient Client { get; } = client;
    }
}
