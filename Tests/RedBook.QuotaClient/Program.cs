using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;

namespace RedBook.QuotaClient;

/// <summary>
/// One quota client process. Everything comes from the command line as configuration keys:
/// <c>--ConnectionStrings:redis=127.0.0.1:6379 --RedBook:Quota:{resource}:Capacity=120 ...</c> for the library (wired
/// exactly as a service wires it: <c>AddRedBookRedisQuotaStore()</c>, then the limiter factory), and
/// <c>--Client:Resource</c>, <c>--Client:Demand</c> (attempts per second, open loop), <c>--Client:DurationSeconds</c>
/// (the run stops by itself then, at most 10 min) and <c>--Client:ReportMilliseconds</c> for the run. It writes one
/// JSON line per report to stdout and stops early when stdin closes or reads <c>stop</c>; it releases its lease on
/// the way out.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(5);

    public static async Task<int> Main(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var resource = configuration["Client:Resource"];
        if (string.IsNullOrWhiteSpace(resource))
        {
            await Console.Error.WriteLineAsync("--Client:Resource is required.");
            return 2;
        }

        var demand = configuration.GetValue("Client:Demand", 10.0);
        var duration = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Client:DurationSeconds", 60.0), 1, 600));
        var reportEvery = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Client:ReportMilliseconds", 200.0), 20, 10_000));
        if (!double.IsFinite(demand) || demand <= 0 || demand > 100_000)
        {
            await Console.Error.WriteLineAsync($"--Client:Demand must be in (0, 100000], not {demand}.");
            return 2;
        }

        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddRedBookRedisQuotaStore()
            .BuildServiceProvider();
        var time = services.GetRequiredService<TimeProvider>();
        var store = new RecordingStore(services.GetRequiredService<IQuotaStore>());
        var clientId = QuotaRateLimiterFactory.DefaultClientId;
        using var stop = new CancellationTokenSource(duration);
        // Console.In reads synchronously (its ReadLineAsync too), so stdin is watched on a thread of its own.
        _ = Task.Factory.StartNew(() => WatchStdin(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var report = new Report { ClientId = clientId };
        using (var factory = new QuotaRateLimiterFactory(store, services.GetRequiredService<IOptionsMonitor<QuotaOptions>>(), time))
        {
            var limiter = factory.GetLimiter(resource);
            Write("ready", report);
            var start = time.GetTimestamp();
            var lastReport = start;
            long due = 0;
            using var timer = new PeriodicTimer(s_tick, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    var now = time.GetTimestamp();
                    var elapsed = time.GetElapsedTime(start, now);

                    // Open loop: the calls that fell due since the last tick start now, however late the tick was
                    // (at most one second's worth, so a long stall does not become one huge burst).
                    var dueNow = (long)(elapsed.TotalSeconds * demand);
                    var batch = Math.Min(dueNow - due, (long)Math.Ceiling(demand));
                    due = dueNow;
                    for (var i = 0; i < batch; i++)
                    {
                        using var lease = limiter.AttemptAcquire();
                        report.Attempted++;
                        if (lease.IsAcquired)
                        {
                            report.Acquired++;
                        }
                    }

                    if (time.GetElapsedTime(lastReport, now) >= reportEvery)
                    {
                        lastReport = now;
                        report.ElapsedMs = elapsed.TotalMilliseconds;
                        report.Mode = limiter.Mode.ToString();
                        report.Limit = limiter.CurrentLimit;
                        (report.Wants, report.Granted, report.Requests, report.Failures) = store.Snapshot();
                        Write("report", report);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Duration over, or asked to stop.
            }
        }

        // Disposing the factory released the lease in the background; release once more and wait, so the
        // capacity is free when this process is gone.
        try
        {
            await store.ReleaseAsync(resource, clientId);
        }
        catch (Exception ex) when (ex is RedBook.ServiceDefaults.Errors.RedBookException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"release failed: {ex.Message}");
        }

        Write("stopped", report);
        return 0;
    }

    private static void WatchStdin(CancellationTokenSource stop)
    {
        while (Console.In.ReadLine() is { } line)
        {
            if (string.Equals(line.Trim(), "stop", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }

        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended.
        }
    }

    private static void Write(string kind, Report report)
    {
        report.Event = kind;
        Console.Out.WriteLine(JsonSerializer.Serialize(report));
        Console.Out.Flush();
    }

    /// <summary>One line of the process's output.</summary>
    internal sealed class Report
    {
        public string Event { get; set; } = string.Empty;

        public string ClientId { get; set; } = string.Empty;

        public double ElapsedMs { get; set; }

        public long Attempted { get; set; }

        public long Acquired { get; set; }

        public string Mode { get; set; } = string.Empty;

        public double Limit { get; set; }

        public double Wants { get; set; }

        public double Granted { get; set; }

        public long Requests { get; set; }

        public long Failures { get; set; }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ClientId} {Mode} limit {Limit:0.##} wants {Wants:0.##} granted {Granted:0.##}");
    }

    /// <summary>The store as the limiter sees it, remembering the last request's wants and grant.</summary>
    private sealed class RecordingStore(IQuotaStore inner) : IQuotaStore
    {
        private readonly Lock _gate = new();
        private double _wants;
        private double _granted;
        private long _requests;
        private long _failures;

        public (double Wants, double Granted, long Requests, long Failures) Snapshot()
        {
            lock (_gate)
            {
                return (_wants, _granted, _requests, _failures);
            }
        }

        public async ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                var lease = await inner.AcquireAsync(request, cancellationToken);
                lock (_gate)
                {
                    _wants = request.Wants;
                    _granted = lease.Granted;
                    _requests++;
                }

                return lease;
            }
            catch (Exception)
            {
                lock (_gate)
                {
                    _failures++;
                }

                throw;
            }
        }

        public ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default)
            => inner.ReleaseAsync(resource, clientId, cancellationToken);
    }
}
