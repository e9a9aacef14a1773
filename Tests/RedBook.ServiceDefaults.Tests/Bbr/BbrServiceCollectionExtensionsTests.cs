using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.Internal.Cpu;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Bbr;

public class BbrServiceCollectionExtensionsTests
{
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly FakeCpuUsageSource _cpu = new();

    private (ServiceProvider Provider, IConfigurationRoot Config) Build(Dictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ICpuUsageSource>(_cpu);
        register(services);
        return (services.BuildServiceProvider(), config);
    }

    [Fact]
    public void AddBbrRateLimiter_BindsRedBookBbrSection_AndFollowsReloads()
    {
        var (provider, config) = Build(
            new() { ["RedBook:Bbr:CpuThreshold"] = "700", ["RedBook:Bbr:CoolDown"] = "00:00:02" },
            s => s.AddBbrRateLimiter());
        using var _ = provider;

        var limiter = provider.GetRequiredService<BbrRateLimiter>();
        Assert.Equal(700, limiter.CurrentOptions.CpuThreshold);
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.CurrentOptions.CoolDown);

        config["RedBook:Bbr:CpuThreshold"] = "600";
        config.Reload();

        Assert.Equal(600, limiter.CurrentOptions.CpuThreshold);
    }

    [Fact]
    public void AddBbrRateLimiter_Named_BindsItsOwnSectionAsKeyedService()
    {
        var (provider, _) = Build(
            new() { ["RedBook:Bbr:CpuThreshold"] = "700", ["RedBook:Bbr:search:CpuThreshold"] = "650" },
            s =>
            {
                s.AddBbrRateLimiter();
                s.AddBbrRateLimiter("search");
            });
        using var _p = provider;

        var search = provider.GetRequiredKeyedService<BbrRateLimiter>("search");

        Assert.Equal("search", search.Name);
        Assert.Equal(650, search.CurrentOptions.CpuThreshold);
        Assert.Equal(700, provider.GetRequiredService<BbrRateLimiter>().CurrentOptions.CpuThreshold);
    }

    [Fact]
    public void AddBbrRateLimiter_InvalidConfiguration_FailsValidation()
    {
        var (provider, _) = Build(new() { ["RedBook:Bbr:CpuThreshold"] = "5000" }, s => s.AddBbrRateLimiter());
        using var _p = provider;

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<BbrRateLimiter>());
        Assert.Contains("CpuThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCpuUsageSampler_WithoutOverride_RegistersTheSampler()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddCpuUsageSampler();
        using var provider = services.BuildServiceProvider();

        var source = provider.GetRequiredService<ICpuUsageSource>();

        Assert.IsType<CpuUsageSampler>(source);
        Assert.Equal(1, _time.ActiveTimers);
        provider.Dispose();
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public void AsPartitioned_SendsEveryResourceToTheSharedLimiter_AndDoesNotDisposeIt()
    {
        using var limiter = new BbrRateLimiter(new BbrOptions(), _cpu, _time);
        var partitioned = limiter.AsPartitioned<string>();

        using var a = partitioned.AttemptAcquire("a");
        using var b = partitioned.AttemptAcquire("b");
        Assert.Equal(2, limiter.InFlight);
        Assert.Equal(2, partitioned.GetStatistics("c")!.TotalSuccessfulLeases);

        partitioned.Dispose();
        using var c = limiter.AttemptAcquire();
        Assert.True(c.IsAcquired);
    }
}
