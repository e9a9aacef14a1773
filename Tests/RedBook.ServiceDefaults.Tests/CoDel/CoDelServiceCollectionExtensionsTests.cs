using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.CoDel;

namespace RedBook.ServiceDefaults.Tests.CoDel;

public class CoDelServiceCollectionExtensionsTests
{
    [Fact]
    public void AddCoDelRateLimiter_BindsSectionsAndFollowsReloads()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:CoDel:PermitLimit"] = "4",
            ["RedBook:CoDel:uploads:PermitLimit"] = "2",
            ["RedBook:CoDel:uploads:TargetDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddCoDelRateLimiter();
        services.AddCoDelRateLimiter("uploads");
        using var provider = services.BuildServiceProvider();

        var main = provider.GetRequiredService<CoDelRateLimiter>();
        var uploads = provider.GetRequiredKeyedService<CoDelRateLimiter>("uploads");
        Assert.Equal(4, main.AvailablePermits);
        Assert.Equal(2, uploads.AvailablePermits);
        Assert.Equal(TimeSpan.FromMilliseconds(10), uploads.CurrentOptions.TargetDelay);

        config["RedBook:CoDel:PermitLimit"] = "6";
        config.Reload();

        Assert.Equal(6, main.AvailablePermits);
        Assert.Equal(2, uploads.AvailablePermits);
    }
}
