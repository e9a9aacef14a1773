using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.ServiceDefaults.Tests.Jobs;

public sealed class JobServiceCollectionExtensionsTests
{
    private static ServiceCollection Services(IDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        return services;
    }

    [Fact]
    public async Task AddRedBookJob_TwoJobsOneElection_OneHostOneElectionBothRegistrations()
    {
        var services = Services();
        services.AddRedBookJob<NoopJob>("hot-notes", TimeSpan.FromMinutes(1), "feeddb");
        services.AddRedBookJob<NoopJob>("outbox-purge", TimeSpan.FromMinutes(10), "feeddb");
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(["hot-notes", "outbox-purge"], provider.GetServices<JobRegistration>().Select(r => r.Name));
        Assert.All(provider.GetServices<JobRegistration>(), r => Assert.Equal("feeddb", r.Election));
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Single(hosted.OfType<JobHost>());
        Assert.Single(hosted.OfType<ILeaderElection>());
        Assert.NotNull(provider.GetRequiredKeyedService<ILeaderElection>("feeddb"));
    }

    [Fact]
    public async Task AddRedBookJob_Configuration_OverridesTheIntervalGivenInCode()
    {
        var services = Services(new Dictionary<string, string?>
        {
            ["RedBook:Jobs:hot-notes:Interval"] = "00:00:30",
            ["RedBook:Jobs:hot-notes:Jitter"] = "0.2",
            ["RedBook:Jobs:hot-notes:Enabled"] = "false",
        });
        services.AddRedBookJob<NoopJob>("hot-notes", TimeSpan.FromMinutes(1));
        services.AddRedBookJob<NoopJob>("outbox-purge", TimeSpan.FromMinutes(10));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<RedBookJobOptions>>();

        var hot = options.Get("hot-notes");
        Assert.Equal((TimeSpan.FromSeconds(30), 0.2, false), (hot.Interval, hot.Jitter, hot.Enabled));
        Assert.Equal(TimeSpan.FromMinutes(10), options.Get("outbox-purge").Interval);
    }

    [Fact]
    public void AddRedBookJob_SameNameTwice_Throws()
    {
        var services = Services();
        services.AddRedBookJob<NoopJob>("hot-notes", TimeSpan.FromMinutes(1));

        var error = Assert.Throws<InvalidOperationException>(() => services.AddRedBookJob<NoopJob>("hot-notes", TimeSpan.FromMinutes(5)));
        Assert.Contains("hot-notes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(7 * 24 * 3600 * 1000.0 + 1)]
    public void AddRedBookJob_IntervalOutOfRange_Throws(double milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Services().AddRedBookJob<NoopJob>("hot-notes", TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("hot notes", "default")]
    [InlineData("hot-notes", "feed/db")]
    [InlineData("", "default")]
    public void AddRedBookJob_UnusableName_Throws(string name, string election) =>
        Assert.ThrowsAny<ArgumentException>(() => Services().AddRedBookJob<NoopJob>(name, TimeSpan.FromMinutes(1), election));

    [Theory]
    [InlineData(50, 0.1, 1000, false)]
    [InlineData(100, 0.1, 100, true)]
    [InlineData(1000, 0.6, 1000, false)]
    [InlineData(1000, 0.1, 50, false)]
    public void Options_Validation_BoundsIntervalJitterAndTimeout(int intervalMs, double jitter, int timeoutMs, bool valid)
    {
        var options = new RedBookJobOptions { Interval = TimeSpan.FromMilliseconds(intervalMs), Jitter = jitter, Timeout = TimeSpan.FromMilliseconds(timeoutMs) };
        var results = new List<ValidationResult>();
        Assert.True(valid == Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true), string.Join("; ", results.Select(r => r.ErrorMessage)));
    }

    [Fact]
    public void Options_OutOfRangeValues_AreClampedBeforeTheyReachATimer()
    {
        var options = new RedBookJobOptions { Interval = TimeSpan.FromDays(30), Jitter = double.NaN, Timeout = TimeSpan.FromTicks(-1) };

        Assert.Equal((TimeSpan.FromDays(7), 0.0, TimeSpan.FromMilliseconds(100)), (options.EffectiveInterval, options.EffectiveJitter, options.EffectiveTimeout));
    }

    private sealed class NoopJob : IRedBookJob
    {
        public Task RunAsync(JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
