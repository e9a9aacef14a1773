using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Leadership;
using RedBook.ServiceDefaults.Lifecycle;
using RedBook.ServiceDefaults.Tests.Bbr;

namespace RedBook.ServiceDefaults.Tests.Leadership;

public sealed class LeaderElectionRegistrationTests
{
    private static ServiceProvider Build(Action<IServiceCollection> configure, IDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        configure(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddRedBookLeaderElection_WithoutEtcd_LeadsAloneFromStartUntilResign()
    {
        await using var provider = Build(s => s.AddRedBookLeaderElection("jobs"), new Dictionary<string, string?> { ["RedBook:Service:InstanceId"] = "node-1" });
        var election = provider.GetRequiredKeyedService<ILeaderElection>("jobs");
        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        Assert.Same(election, hosted);
        Assert.Same(election, Assert.Single(provider.GetServices<IShutdownParticipant>()));
        Assert.Null(election.Current);

        await hosted.StartAsync(CancellationToken.None);
        var term = await election.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((1L, "node-1", "jobs"), (term.Term, term.InstanceId, term.Election));
        await ((IShutdownParticipant)election).OnShutdownStartingAsync(CancellationToken.None);
        Assert.True(term.IsLost);
        Assert.Null(election.Current);
        await hosted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AddRedBookLeaderElection_SameNameTwice_OneElectionWithBothConfigurations()
    {
        await using var provider = Build(s => s
            .AddRedBookLeaderElection("jobs", o => o.LeaseTtl = TimeSpan.FromSeconds(4))
            .AddRedBookLeaderElection("jobs", o => o.ResignTimeout = TimeSpan.FromSeconds(1))
            .AddRedBookLeaderElection("relay"));

        Assert.Equal(2, provider.GetServices<IHostedService>().Count());
        var options = provider.GetRequiredService<IOptionsMonitor<LeaderElectionOptions>>().Get("jobs");
        Assert.Equal((TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1)), (options.LeaseTtl, options.ResignTimeout));
        Assert.NotSame(provider.GetRequiredKeyedService<ILeaderElection>("jobs"), provider.GetRequiredKeyedService<ILeaderElection>("relay"));
    }

    [Fact]
    public async Task AddRedBookLeaderElection_Configuration_BindsRedBookLeadershipAndTheDelegateWins()
    {
        await using var provider = Build(
            s => s.AddRedBookLeaderElection("jobs", o => o.ResignTimeout = TimeSpan.FromSeconds(2)),
            new Dictionary<string, string?> { ["RedBook:Leadership:LeaseTtl"] = "00:00:30", ["RedBook:Leadership:ResignTimeout"] = "00:00:09" });

        var options = provider.GetRequiredService<IOptionsMonitor<LeaderElectionOptions>>().Get("jobs");

        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)), (options.LeaseTtl, options.ResignTimeout));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    [InlineData("with space")]
    public void AddRedBookLeaderElection_UnusableName_Throws(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddRedBookLeaderElection(name));

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Options_LeaseTtl_MustBeTwoSecondsToFiveMinutes(int seconds, bool valid)
    {
        var options = new LeaderElectionOptions { LeaseTtl = TimeSpan.FromSeconds(seconds) };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    [Fact]
    public void Options_OutOfRangeDurations_AreClampedBeforeTheyReachATimer()
    {
        var options = new LeaderElectionOptions { LeaseTtl = TimeSpan.FromDays(400), ResignTimeout = TimeSpan.FromTicks(-5) };

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.Zero), (options.EffectiveLeaseTtl, options.EffectiveResignTimeout));
    }

    [Fact]
    public async Task SingleInstance_ResignedBeforeTheHostStarted_NeverLeads()
    {
        var time = new FakeTimeProvider();
        using var lifetime = new TestLifetime();
        using var election = new SingleInstanceLeaderElection("jobs", "a", new TestOptionsMonitor<LeaderElectionOptions>(new LeaderElectionOptions()), time, NullLogger.Instance, lifetime);
        await election.StartAsync(CancellationToken.None);
        Assert.Null(election.Current);                                   // waits for ApplicationStarted

        await election.ResignAsync(CancellationToken.None);
        lifetime.Start();
        await election.StopAsync(CancellationToken.None);

        Assert.Null(election.Current);
    }

    private sealed class TestLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => _started.Dispose();
    }
}
