using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedBook.FunctionalTests.Grpc.V1;
using RedBook.ServiceDefaults.Grpc.Balancing;
using RedBook.ServiceDefaults.Grpc.Client;
using Xunit.Abstractions;

namespace RedBook.FunctionalTests.Grpc;

/// <summary>
/// The first second of a new <c>redbook_p2c</c> channel over two real backends on loopback (h2c), resolved through
/// service discovery (configuration endpoints) by <c>AddRedBookGrpcClient</c>, with the real Grpc.Net.Client. The process
/// is cold, as a service's is when it starts: that is when the skew showed (the first backend's calls queue behind its
/// connection set-up and the process's first-call costs, while the second's do not).
/// </summary>
[Collection(GrpcStartupCollection.Name)]
public sealed class GrpcStartupBalancingTests(ITestOutputHelper output)
{
    private const int Callers = 8;

    /// <summary>The fewest calls the window holds: on a loaded machine the first second may hold only a few.</summary>
    private const int MinimumCalls = 200;

    private static readonly TimeSpan s_firstSecond = TimeSpan.FromSeconds(1);

    /// <summary>Only stops a hang; no assertion depends on it.</summary>
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Say_NewChannelOverTwoBackendsReadyTogether_EachGetsBetween30And70PercentOfTheFirstSecond()
    {
        await using var a = await EchoServer.StartAsync("echo");
        await using var b = await EchoServer.StartAsync("echo");
        var pickers = new PickerLog();
        var settings = new Dictionary<string, string?>
        {
            ["RedBook:Clients:echo:Deadline:DefaultTimeout"] = "00:00:30",
            // A starved endpoint is force-picked after 3 s by default, which would hide a skew from a window that a slow
            // machine stretches past 3 s: no force-picks here, so the spread is the scores' alone.
            ["RedBook:LoadBalancing:echo:ForcePickInterval"] = "00:10:00",
            ["services:echo:grpc:0"] = a.GrpcAddress.ToString(),
            ["services:echo:grpc:1"] = b.GrpcAddress.ToString(),
        };
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(pickers).AddFilter<PickerLog>(typeof(RedBookP2CLoadBalancerFactory).FullName, LogLevel.Debug));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddRedBookGrpcClient<Echo.EchoClient>("echo");
        await using var sp = services.BuildServiceProvider();
        var time = sp.GetRequiredService<TimeProvider>(); // the balancer's clock
        pickers.Clock = time;
        var client = sp.GetRequiredService<Echo.EchoClient>();
        var calls = new ConcurrentQueue<(long Start, string Server)>();
        var firstAnswers = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long? WindowOpensAt() =>
            pickers.BothReadyAt is { } ready && firstAnswers.Count == 2 ? Math.Max(ready, firstAnswers.Values.Max()) : null;
        var inWindow = 0;
        using var limit = new CancellationTokenSource(s_limit);

        // Load starts with the channel, as a service's first requests do.
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (WindowOpensAt() is not { } opens || time.GetElapsedTime(opens) < s_firstSecond || Volatile.Read(ref inWindow) < MinimumCalls)
            {
                var start = time.GetTimestamp();
                var reply = await client.SayAsync(new SayRequest { Text = "x" }, cancellationToken: limit.Token);
                firstAnswers.TryAdd(reply.Server, time.GetTimestamp());
                calls.Enqueue((start, reply.Server));
                if (WindowOpensAt() is { } open && start >= open)
                {
                    Interlocked.Increment(ref inWindow);
                }
            }
        })));

        // The window opens when both subchannels are Ready and both backends have answered this channel: until a backend's
        // connection is set up its calls wait, and P2C rightly sends new calls to the one that answers. Calls count from
        // their start, on the balancer's clock: the first second, or the first 200 calls when a loaded machine makes fewer.
        var opened = WindowOpensAt()!.Value;
        var after = calls.Where(c => c.Start >= opened).OrderBy(c => c.Start).ToList();
        var firstSecond = after.TakeWhile(c => time.GetElapsedTime(opened, c.Start) < s_firstSecond).ToList();
        var window = firstSecond.Count >= MinimumCalls ? firstSecond : after.Take(MinimumCalls).ToList();
        var toA = window.Count(c => c.Server == a.GrpcPort.ToString(CultureInfo.InvariantCulture));
        var shareA = (double)toA / window.Count;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"a {toA} / b {window.Count - toA} of {window.Count} calls ({firstSecond.Count} in the first second); the second subchannel turned Ready {time.GetElapsedTime(pickers.FirstReadyAt!.Value, pickers.BothReadyAt!.Value).TotalMilliseconds:F0} ms after the first, both answered {time.GetElapsedTime(pickers.BothReadyAt!.Value, opened).TotalMilliseconds:F0} ms later");
        output.WriteLine(report);
        Assert.True(shareA is >= 0.30 and <= 0.70, report);
    }

    /// <summary>Records when the <c>redbook_p2c</c> picker first had one and then two ready subchannels (its <c>PickerCreated</c> event).</summary>
    private sealed class PickerLog : ILoggerProvider
    {
        private long _firstReady = long.MinValue;
        private long _bothReady = long.MinValue;

        public TimeProvider Clock { get; set; } = TimeProvider.System;

        public long? FirstReadyAt => Volatile.Read(ref _firstReady) is var t && t != long.MinValue ? t : null;

        public long? BothReadyAt => Volatile.Read(ref _bothReady) is var t && t != long.MinValue ? t : null;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(PickerLog owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Name != "PickerCreated" || state is not IEnumerable<KeyValuePair<string, object?>> values)
                {
                    return;
                }

                var now = owner.Clock.GetTimestamp();
                var ready = values.FirstOrDefault(v => v.Key == "ReadyCount").Value as int? ?? 0;
                if (ready >= 1)
                {
                    Interlocked.CompareExchange(ref owner._firstReady, now, long.MinValue);
                }

                if (ready >= 2)
                {
                    Interlocked.CompareExchange(ref owner._bothReady, now, long.MinValue);
                }
            }
        }
    }
}

/// <summary>The start-up spread runs alone: other tests' load in this process would be part of what it measures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GrpcStartupCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "grpc-startup";
}
