using Microsoft.Extensions.DependencyInjection;
using RedBook.LoadLab.Infrastructure;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 1. Overload. A service with a fixed capacity (a pool of <see cref="Workers"/> workers, <see cref="ServiceTime"/>
/// each: capacity = workers / service time) is offered 3× its capacity, once with BBR shedding (the server pipeline
/// of <c>AddServiceDefaults</c>, fed the pool's utilisation as its CPU) and once with shedding off. The caller has a
/// 1 s deadline, no retries and no breaker, so the figures are the server's alone.
/// </summary>
public static class OverloadScenario
{
    /// <summary>The worker pool size.</summary>
    public const int Workers = 4;

    /// <summary>The per-request service time.</summary>
    public static readonly TimeSpan ServiceTime = TimeSpan.FromMilliseconds(50);

    /// <summary>Requests per second the pool can serve.</summary>
    public static double Capacity => Workers / ServiceTime.TotalSeconds;

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "1. Overload: 3× capacity, BBR shedding on and off",
            $"One service with {Workers} workers × {ServiceTime.TotalMilliseconds:0} ms (capacity {Capacity:0} rps), offered {3 * Capacity:0} rps open-loop for {scale.Duration.TotalSeconds:0} s after 1 s at 0.25× (cold start, not measured) and {scale.Duration.TotalSeconds / 2:0} s at 0.5× capacity (the unloaded figures). BBR's CPU signal is the worker pool's utilisation (see WorkerPoolCpu). Caller deadline 1 s, retries and breaker off for this client. Goodput = successful calls per second ÷ capacity.",
            "Variant", "Offered rps", "Goodput (× capacity)", "Failures (reason × count)", "Admitted p50 ms", "Admitted p99 ms");

        var unloaded = await RunVariantAsync(shedding: true, scale, overload: false).ConfigureAwait(false);
        var unloadedP99 = Stats.PercentileMs(unloaded.Ok, 99);
        report.Row("unloaded (0.5× capacity)", Stats.F(0.5 * Capacity, 0), Stats.F(unloaded.Goodput, 2), Stats.Failures(unloaded.Calls), Stats.F(Stats.PercentileMs(unloaded.Ok, 50)), Stats.F(unloadedP99));

        var on = await RunVariantAsync(shedding: true, scale, overload: true).ConfigureAwait(false);
        var onP99 = Stats.PercentileMs(on.Ok, 99);
        report.Row("3×, BBR on", Stats.F(3 * Capacity, 0), Stats.F(on.Goodput, 2), Stats.Failures(on.Calls), Stats.F(Stats.PercentileMs(on.Ok, 50)), Stats.F(onP99));

        var off = await RunVariantAsync(shedding: false, scale, overload: true).ConfigureAwait(false);
        var offP99 = Stats.PercentileMs(off.Ok, 99);
        report.Row("3×, shedding off", Stats.F(3 * Capacity, 0), Stats.F(off.Goodput, 2), Stats.Failures(off.Calls), Stats.F(Stats.PercentileMs(off.Ok, 50)), Stats.F(offP99));

        report.Check("BBR on: goodput ≥ 90% of capacity", "≥ 0.90", on.Goodput, on.Goodput >= 0.90);
        report.Check("BBR on: admitted p99 ≤ 3× unloaded p99", $"≤ {Stats.F(3 * unloadedP99)} ms", onP99, onP99 <= 3 * unloadedP99, 1);
        report.Check("shedding off: the collapse shows (admitted p99 > 3× unloaded p99)", $"> {Stats.F(3 * unloadedP99)} ms", offP99, offP99 > 3 * unloadedP99, 1);
        return report;
    }

    /// <summary>The figures of one variant.</summary>
    public sealed record Variant(IReadOnlyList<CallRecord> Calls, double Goodput)
    {
        /// <summary>Successful calls.</summary>
        public IReadOnlyList<CallRecord> Ok { get; } = [.. Calls.Where(c => c.Outcome == CallOutcome.Ok)];

        /// <summary>Calls the server shed.</summary>
        public double Shed => Calls.Count(c => c.Outcome == CallOutcome.Shed);

        /// <summary>Calls that ran out of deadline.</summary>
        public double DeadlineExceeded => Calls.Count(c => c.Outcome == CallOutcome.DeadlineExceeded);
    }

    /// <summary>Starts a fresh service, warms it at 0.5× capacity, then measures the offered load.</summary>
    public static async Task<Variant> RunVariantAsync(bool shedding, LabScale scale, bool overload)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var backend = new Backend("overload-0", ServiceTime, Workers);
        await using var service = await LoopbackService.StartAsync(
            "overload",
            backend.Map,
            b => b.Services.AddSingleton<ICpuUsageSource>(new WorkerPoolCpu(backend)),
            new Dictionary<string, string?> { ["RedBook:Bbr:Enabled"] = shedding ? "true" : "false" }).ConfigureAwait(false);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:overload:http:0"] = service.Address.ToString(),
                ["RedBook:Clients:overload:Deadline:DefaultTimeout"] = "00:00:01",
                ["RedBook:Clients:overload:Retry:Enabled"] = "false",
                ["RedBook:Clients:overload:Breaker:Enabled"] = "false",
            },
            "overload").ConfigureAwait(false);
        var client = caller.Client("overload");

        // Cold start (JIT, connections) is not part of any figure: a second at a quarter of capacity first.
        await LoadGenerator.RunAsync(0.25 * Capacity, TimeSpan.FromSeconds(1), ct => LoadGenerator.GetAsync(client, "http://overload/work", ct)).ConfigureAwait(false);
        var warm = await LoadGenerator.RunAsync(0.5 * Capacity, scale.Duration / 2, ct => LoadGenerator.GetAsync(client, "http://overload/work", ct)).ConfigureAwait(false);
        if (!overload)
        {
            return new Variant(warm, warm.Count(c => c.Outcome == CallOutcome.Ok) / (scale.Duration / 2).TotalSeconds / Capacity);
        }

        var calls = await LoadGenerator.RunAsync(3 * Capacity, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://overload/work", ct)).ConfigureAwait(false);
        var goodput = calls.Count(c => c.Outcome == CallOutcome.Ok) / scale.Duration.TotalSeconds / Capacity;
        return new Variant(calls, goodput);
    }
}
