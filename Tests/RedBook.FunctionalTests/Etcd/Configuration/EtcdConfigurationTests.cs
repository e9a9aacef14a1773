using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Etcd.Client;
using Xunit.Abstractions;

namespace RedBook.FunctionalTests.Etcd.Configuration;

public sealed class TestKnobs
{
    [Range(0, 1000)]
    public int Count { get; set; }

    public double Ratio { get; set; }

    public bool Degrade { get; set; }

    public string? Label { get; set; }
}

/// <summary>A running host reading its configuration from etcd; the shape every service has.</summary>
internal sealed class ConfiguredHost : IAsyncDisposable
{
    private ConfiguredHost(IHost host, CapturingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    public TestKnobs Knobs => Host.Services.GetRequiredService<IOptionsMonitor<TestKnobs>>().CurrentValue;

    public IConfiguration Configuration => Host.Services.GetRequiredService<IConfiguration>();

    public static async Task<ConfiguredHost> StartAsync(string endpoint, string app, TimeSpan? initialLoadTimeout = null, Action<IDictionary<string, string?>>? seed = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var defaults = new Dictionary<string, string?> { ["Test:Knobs:Count"] = "1", ["Logging:LogLevel:Default"] = "Information" };
        seed?.Invoke(defaults);
        builder.Configuration.AddInMemoryCollection(defaults);
        builder.Configuration.AddEtcd(o =>
        {
            o.Endpoints.Add(endpoint);
            o.AppName = app;
            o.InitialLoadTimeout = initialLoadTimeout ?? TimeSpan.FromSeconds(10);
            o.RetryBackoffInitial = TimeSpan.FromMilliseconds(100);
            o.RetryBackoffMax = TimeSpan.FromSeconds(1);
        });
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddOptions<TestKnobs>().BindConfiguration("Test:Knobs").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddEtcdConfigurationGuard();
        var host = builder.Build();
        await host.StartAsync();
        return new ConfiguredHost(host, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}

[Collection(EtcdCollection.Name)]
public sealed class EtcdConfigurationTests(EtcdFixture fixture, ITestOutputHelper output)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static string NewApp() => "app" + Guid.NewGuid().ToString("N")[..8];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task AddEtcd_PutKey_OptionsMonitorValueChangesLive()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        var latencies = new List<double>();

        for (var i = 2; i <= 11; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Count", Utf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 0, s_none);
            var expected = i;
            await Poll.UntilAsync(() => host.Knobs.Count == expected, $"Count is {expected}", TimeSpan.FromSeconds(10));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        output.WriteLine($"etcd put -> IOptionsMonitor value: median {latencies[latencies.Count / 2]:F1} ms, max {latencies[^1]:F1} ms over {latencies.Count} changes");
        Assert.Equal(11, host.Knobs.Count);
    }

    [Fact]
    public async Task AddEtcd_HostDisposed_StopsTheWatch()
    {
        var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, NewApp());
        var provider = ((IConfigurationRoot)host.Configuration).Providers.OfType<RedBook.ServiceDefaults.Etcd.Configuration.EtcdConfigurationProvider>().Single();
        Assert.True(provider.IsLoaded);
        Assert.False(provider.Loop!.IsCompleted);

        await host.DisposeAsync();

        await Poll.UntilAsync(() => provider.Loop.IsCompleted, "the watch loop ends with the host");
    }

    [Fact]
    public async Task AddEtcd_AppAndGlobalKeys_AppKeyWinsAndGlobalReturnsWhenAppKeyIsDeleted()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Label", Utf8("mine"), 0, s_none);
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        Assert.Equal("mine", host.Knobs.Label);

        await client.PutAsync("/redbook/config/_global/Test/Knobs/Ratio", Utf8("0.25"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Ratio == 0.25, "the global ratio applies");
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Ratio", Utf8("0.75"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Ratio == 0.75, "the app's ratio wins");
        await client.DeleteAsync($"/redbook/config/{app}/Test/Knobs/Ratio", false, s_none);
        await Poll.UntilAsync(() => host.Knobs.Ratio == 0.25, "the global ratio is back");
        await client.DeleteAsync("/redbook/config/_global/Test/Knobs/Ratio", false, s_none);
    }

    [Fact]
    public async Task AddEtcd_WrongTypedValue_IsRejectedAndLoggedAndThePreviousValueStays()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        var key = $"/redbook/config/{app}/Test/Knobs/Count";
        await client.PutAsync(key, Utf8("7"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Count == 7, "Count is 7");

        using var readersDone = new CancellationTokenSource();
        var reader = Task.Run(() => ReadWhileChanging(host, readersDone.Token)); // an application reading its options all along

        await client.PutAsync(key, Utf8("seven"), 0, s_none);
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Degrade", Utf8("true"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Degrade, "a later good change applies"); // the barrier: "seven" was handled before it
        await client.PutAsync(key, Utf8("5000"), 0, s_none); // out of [Range(0, 1000)]
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Label", Utf8("after"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Label == "after", "a later good change applies"); // the barrier: "5000" was handled before it
        await readersDone.CancelAsync();

        Assert.Equal(new[] { 7 }, await reader); // readers never saw a rejected value, nor a failure to bind one
        Assert.Equal(7, host.Knobs.Count);
        Assert.Equal("7", host.Configuration["Test:Knobs:Count"]);
        Assert.True(host.Logs.Contains(LogLevel.Warning, $"Rejected the change of etcd key {key}"), string.Join('\n', host.Logs.Entries));
        Assert.Equal(2, host.Logs.Entries.Count(e => e.Message.StartsWith($"Rejected the change of etcd key {key}", StringComparison.Ordinal)));
        await client.PutAsync(key, Utf8("8"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Count == 8, "a good value after bad ones applies");
    }

    /// <summary>Reads the options until cancelled; returns every distinct Count seen (a read that throws fails the test).</summary>
    private static async Task<int[]> ReadWhileChanging(ConfiguredHost host, CancellationToken done)
    {
        var seen = new SortedSet<int>();
        while (!done.IsCancellationRequested)
        {
            seen.Add(host.Knobs.Count);
            await Task.Yield();
        }

        return [.. seen];
    }

    [Fact]
    public async Task AddEtcd_BadValueAlreadyInEtcdAtStart_IsDroppedAndTheHostStarts()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Count", Utf8("many"), 0, s_none);
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Label", Utf8("kept"), 0, s_none);

        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);

        Assert.Equal(1, host.Knobs.Count);
        Assert.Equal("kept", host.Knobs.Label);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "Rejected the change of etcd key"), string.Join('\n', host.Logs.Entries));
    }

    [Fact]
    public async Task AddEtcd_NonUtf8ValueAndUnmappableKey_AreRejectedAndLogged()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Label", Utf8("good"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Label == "good", "Label is good");

        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Label", [0xC3, 0x28, 0xFF], 0, s_none);
        await client.PutAsync($"/redbook/config/{app}/Test//Knobs", Utf8("x"), 0, s_none);
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Ratio", Utf8("0.5"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Ratio == 0.5, "a later good change applies");

        Assert.Equal("good", host.Knobs.Label);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "the value is not valid UTF-8"), string.Join('\n', host.Logs.Entries));
        Assert.True(host.Logs.Contains(LogLevel.Warning, $"Rejected etcd key /redbook/config/{app}/Test//Knobs"), string.Join('\n', host.Logs.Entries));
    }

    [Fact]
    public async Task AddEtcd_LogLevelKey_ChangesTheLogFilterLive()
    {
        var app = NewApp();
        using var client = fixture.Etcd.CreateClient();
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        var logger = host.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RedBook.Tests.Live");
        Assert.False(logger.IsEnabled(LogLevel.Debug));

        await client.PutAsync($"/redbook/config/{app}/Logging/LogLevel/RedBook.Tests.Live", Utf8("Debug"), 0, s_none);

        await Poll.UntilAsync(() => logger.IsEnabled(LogLevel.Debug), "Debug is enabled for the category");
    }

    [Fact]
    public async Task AddEtcd_EtcdDownAtStart_StartsWithinTheTimeoutAndLoadsWhenEtcdComesUp()
    {
        await using var etcd = new EtcdProcess();
        var app = NewApp();
        var started = Stopwatch.GetTimestamp();

        await using var host = await ConfiguredHost.StartAsync(etcd.Endpoint, app, initialLoadTimeout: TimeSpan.FromSeconds(1));

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30));
        Assert.Equal(1, host.Knobs.Count);
        await etcd.StartAsync();
        using var client = etcd.CreateClient();
        await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Count", Utf8("42"), 0, s_none);
        await Poll.UntilAsync(() => host.Knobs.Count == 42, "the value from etcd arrives once etcd is up", TimeSpan.FromSeconds(30));
        Assert.True(host.Logs.Contains(LogLevel.Warning, "Could not read etcd configuration"), string.Join('\n', host.Logs.Entries));
    }
}

[Collection(EtcdOutageCollection.Name)]
public sealed class EtcdConfigurationOutageTests(EtcdOutageFixture fixture)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task AddEtcd_EtcdRestarts_LastGoodValuesStayAndTheWatchResumes()
    {
        var app = "outage" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await ConfiguredHost.StartAsync(fixture.Etcd.Endpoint, app);
        using (var client = fixture.Etcd.CreateClient())
        {
            await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Count", Encoding.UTF8.GetBytes("3"), 0, s_none);
        }

        await Poll.UntilAsync(() => host.Knobs.Count == 3, "Count is 3");

        await fixture.Etcd.StopAsync();
        await Poll.UntilAsync(() => host.Logs.Contains(LogLevel.Warning, "disconnected"), "the watch notices the outage");
        Assert.Equal(3, host.Knobs.Count);
        Assert.Equal("3", host.Configuration["Test:Knobs:Count"]);
        await fixture.Etcd.StartAsync();
        using (var client = fixture.Etcd.CreateClient())
        {
            await client.PutAsync($"/redbook/config/{app}/Test/Knobs/Count", Encoding.UTF8.GetBytes("4"), 0, s_none);
        }

        await Poll.UntilAsync(() => host.Knobs.Count == 4, "the change after the restart arrives", TimeSpan.FromSeconds(30));
    }
}
