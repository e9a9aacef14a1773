using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RedBook.LoadLab.Infrastructure;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 6. Overload with queueing: a service whose capacity is <see cref="Permits"/> concurrent requests of
/// <see cref="ServiceTime"/> each, behind the server pipeline's CoDel admission queue (<c>RedBook:Server:CoDelEnabled</c>,
/// the defaults: target 5 ms, interval 100 ms, queue 1000), offered 2× and 4× its capacity. The baseline is a plain
/// FIFO queue of the same size in front of the same permits (the framework's <see cref="ConcurrencyLimiter"/>,
/// oldest first). The caller has a 2 s deadline, no retries and no breaker. The queue wait of each admitted request
/// is measured on the server, from its arrival at the pipeline to the start of its work.
/// </summary>
public static class CoDelScenario
{
    /// <summary>The concurrency limit (the permits).</summary>
    public const int Permits = 4;

    /// <summary>The per-request service time.</summary>
    public static readonly TimeSpan ServiceTime = TimeSpan.FromMilliseconds(50);

    /// <summary>CoDel's target delay and interval (the defaults).</summary>
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(5);

    /// <summary>CoDel's interval (the default).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>The queue length of both queues.</summary>
    public const int QueueLimit = 1000;

    /// <summary>Requests per second the permits serve.</summary>
    public static double Capacity => Permits / ServiceTime.TotalSeconds;

    /// <summary>target + interval: the longest a request should wait for the queue to notice it is standing.</summary>
    public static double BoundMs => (Target + Interval).TotalMilliseconds;

    /// <summary>The queue under test.</summary>
    public enum Queue
    {
        /// <summary>The CoDel admission queue of the server pipeline.</summary>
        CoDel,

        /// <summary>A plain FIFO queue (the baseline).</summary>
        Fifo,
    }

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var loadBefore = LoadAverage();
        var rows = new List<(string Name, Variant V)>();
        foreach (var factor in (double[])[2, 4])
        {
            foreach (var queue in (Queue[])[Queue.CoDel, Queue.Fifo])
            {
                rows.Add(($"{factor:0}×, {(queue == Queue.CoDel ? "CoDel" : "FIFO baseline")}", await RunVariantAsync(queue, factor, scale).ConfigureAwait(false)));
            }
        }

        var report = new ScenarioReport(
            "6. Overload with queueing: 2× and 4× capacity, CoDel against a FIFO queue",
            $"One service with {Permits} permits × {ServiceTime.TotalMilliseconds:0} ms (capacity {Capacity:0} rps) behind the server pipeline's CoDel queue (target {Target.TotalMilliseconds:0} ms, interval {Interval.TotalMilliseconds:0} ms, queue {QueueLimit}; BBR off), offered 2× and 4× capacity open-loop for {scale.Duration.TotalSeconds:0} s after 1 s at 0.25× (not measured). Baseline: a plain FIFO queue of {QueueLimit} before the same {Permits} permits (the framework's ConcurrencyLimiter, oldest first). Caller deadline 2 s, retries and breaker off. Wait = an admitted request's time in the queue, measured on the server. Goodput = successful calls per second ÷ capacity. Machine load average (1/5/15 min) before the run: {loadBefore}; after: {LoadAverage()} (2 cores, shared).",
            "Variant", "Offered rps", "Goodput (× capacity)", "Failures (reason × count)", "Admitted wait p50 ms", "Admitted wait p99 ms", "Admitted wait max ms", "Max queue");
        foreach (var (name, v) in rows)
        {
            report.Row(
                name,
                Stats.F(v.Offered, 0),
                Stats.F(v.Goodput, 2),
                Stats.Failures(v.Calls),
                Stats.F(Percentile(v.WaitsMs, 50)),
                Stats.F(Percentile(v.WaitsMs, 99)),
                Stats.F(v.WaitsMs.Count == 0 ? double.NaN : v.WaitsMs.Max()),
                v.MaxQueue.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, v) in rows.Where(r => r.Name.Contains("CoDel", StringComparison.Ordinal)))
        {
            var p99 = Percentile(v.WaitsMs, 99);
            report.Check($"{name}: admitted p99 wait stays near target + interval (≤ 1.5 × {BoundMs:0} ms)", $"≤ {Stats.F(1.5 * BoundMs, 0)} ms", p99, p99 <= 1.5 * BoundMs, 1);
            report.Check($"{name}: goodput ≥ 85 % of capacity", "≥ 0.85", v.Goodput, v.Goodput >= 0.85);
        }

        foreach (var (name, v) in rows.Where(r => r.Name.Contains("FIFO", StringComparison.Ordinal)))
        {
            var p99 = Percentile(v.WaitsMs, 99);
            report.Check($"{name}: the standing queue shows (admitted p99 wait > 5 × {BoundMs:0} ms)", $"> {Stats.F(5 * BoundMs, 0)} ms", p99, p99 > 5 * BoundMs, 1);
        }

        return report;
    }

    /// <summary>The figures of one variant.</summary>
    public sealed record Variant(IReadOnlyList<CallRecord> Calls, IReadOnlyList<double> WaitsMs, double Offered, double Goodput, int MaxQueue);

    /// <summary>The <paramref name="p"/>-th percentile (nearest rank) of <paramref name="values"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Starts a fresh service with <paramref name="queue"/>, warms it, then offers <paramref name="factor"/> × capacity.</summary>
    public static async Task<Variant> RunVariantAsync(Queue queue, double factor, LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var waits = new ConcurrentQueue<double>();
        var measuring = false;
        var maxQueue = 0;
        using var fifo = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Permits, QueueLimit = QueueLimit, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });
        var settings = new Dictionary<string, string?>
        {
            ["RedBook:Bbr:Enabled"] = "false",
            ["RedBook:Server:DefaultTimeout"] = "00:00:05",
            ["RedBook:Server:CoDelEnabled"] = queue == Queue.CoDel ? "true" : "false",
            ["RedBook:CoDel:PermitLimit"] = Permits.ToString(CultureInfo.InvariantCulture),
            ["RedBook:CoDel:QueueLimit"] = QueueLimit.ToString(CultureInfo.InvariantCulture),
            ["RedBook:CoDel:TargetDelay"] = Target.ToString(),
            ["RedBook:CoDel:Interval"] = Interval.ToString(),
        };
        await using var service = await LoopbackService.StartAsync(
            "codel",
            app =>
            {
                if (queue == Queue.Fifo)
                {
                    app.Use(async (context, next) =>
                    {
                        using var lease = await fifo.AcquireAsync(1, context.RequestAborted).ConfigureAwait(false);
                        if (!lease.IsAcquired)
                        {
                            await RedBookProblemDetails.WriteAsync(context, RedBookErrors.Overloaded("The FIFO queue is full.", 100)).ConfigureAwait(false);
                            return;
                        }

                        await next(context).ConfigureAwait(false);
                    });
                }

                app.MapGet("/work", async (HttpContext context) =>
                {
                    if (Volatile.Read(ref measuring) && context.Items[ArrivalFilter.Key] is long arrived)
                    {
                        waits.Enqueue(TimeProvider.System.GetElapsedTime(arrived).TotalMilliseconds);
                    }

                    await Task.Delay(ServiceTime, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
                    return Results.Text("done");
                });
            },
            b => b.Services.AddSingleton<IStartupFilter, ArrivalFilter>(),
            settings).ConfigureAwait(false);
        var codel = service.App.Services.GetRequiredService<RedBook.ServiceDefaults.CoDel.CoDelRateLimiter>();
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:codel:http:0"] = service.Address.ToString(),
                ["RedBook:Clients:codel:Deadline:DefaultTimeout"] = "00:00:02",
                ["RedBook:Clients:codel:Retry:Enabled"] = "false",
                ["RedBook:Clients:codel:Breaker:Enabled"] = "false",
            },
            "codel").ConfigureAwait(false);
        var client = caller.Client("codel");

        await LoadGenerator.RunAsync(0.25 * Capacity, TimeSpan.FromSeconds(1), ct => LoadGenerator.GetAsync(client, "http://codel/work", ct)).ConfigureAwait(false);
        Volatile.Write(ref measuring, true);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var length = queue == Queue.CoDel ? codel.QueueLength : (int)(fifo.GetStatistics()?.CurrentQueuedCount ?? 0);
                maxQueue = Math.Max(maxQueue, length);
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System).ConfigureAwait(false);
            }
        });
        var offered = factor * Capacity;
        var calls = await LoadGenerator.RunAsync(offered, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://codel/work", ct)).ConfigureAwait(false);
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        var goodput = calls.Count(c => c.Outcome == CallOutcome.Ok) / scale.Duration.TotalSeconds / Capacity;
        return new Variant(calls, [.. waits], offered, goodput, maxQueue);
    }

    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" / ", fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Stamps each request's arrival at the front of the pipeline, before any queue.</summary>
    private sealed class ArrivalFilter : IStartupFilter
    {
        public const string Key = "lab.arrived";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextDelegate) =>
            {
                context.Items[Key] = TimeProvider.System.GetTimestamp();
                return nextDelegate(context);
            });
            next(app);
        };
    }
}
