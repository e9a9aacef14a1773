using RedBook.LoadLab.Infrastructure;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 2. Slow replica. Four replicas of one service (<see cref="FastTime"/> per request, no concurrency limit), then one
/// of them made 10× slower. The same offered load goes through a P2C client and a round-robin client (two named
/// clients of one caller, differing only in <c>RedBook:Clients:{name}:LoadBalancing:Policy</c>). Each variant warms
/// up for one second (P2C's EWMAs learn) before it is measured.
/// </summary>
public static class SlowReplicaScenario
{
    /// <summary>A healthy replica's service time.</summary>
    public static readonly TimeSpan FastTime = TimeSpan.FromMilliseconds(10);

    /// <summary>The offered rate.</summary>
    public const double Rate = 100;

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "2. Slow replica: one of four replicas 10× slower, P2C against round robin",
            $"Four replicas at {FastTime.TotalMilliseconds:0} ms, one then at {10 * FastTime.TotalMilliseconds:0} ms; {Rate:0} rps open-loop for {scale.Duration.TotalSeconds:0} s per variant after 1 s of warm-up. Slow share = calls served by the slow replica.",
            "Variant", "Calls", "p50 ms", "p99 ms", "Slow replica share");
        var backends = Enumerable.Range(0, 4).Select(i => new Backend($"replica-{i}", FastTime)).ToArray();
        var services = new List<LoopbackService>();
        try
        {
            foreach (var backend in backends)
            {
                services.Add(await LoopbackService.StartAsync(backend.Name, backend.Map).ConfigureAwait(false));
            }

            var config = new Dictionary<string, string?>
            {
                ["RedBook:Clients:rr:LoadBalancing:Policy"] = "RoundRobin",
                ["RedBook:Clients:Defaults:Deadline:DefaultTimeout"] = "00:00:02",
                ["RedBook:Clients:Defaults:Retry:Enabled"] = "false",
            };
            for (var i = 0; i < services.Count; i++)
            {
                config[$"services:replicas:http:{i}"] = services[i].Address.ToString();
            }

            await using var caller = await ClientHost.StartAsync(config, "p2c", "rr").ConfigureAwait(false);
            var healthy = await MeasureAsync(caller.Client("p2c"), scale).ConfigureAwait(false);
            backends[3].ServiceTime = 10 * FastTime;
            var p2c = await MeasureAsync(caller.Client("p2c"), scale).ConfigureAwait(false);
            var rr = await MeasureAsync(caller.Client("rr"), scale).ConfigureAwait(false);

            var healthyP99 = Stats.PercentileMs(healthy, 99);
            var p2cP99 = Stats.PercentileMs(p2c, 99);
            var p2cShare = SlowShare(p2c, backends[3].Name);
            var rrShare = SlowShare(rr, backends[3].Name);
            report.Row("all healthy, P2C", healthy.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Stats.F(Stats.PercentileMs(healthy, 50)), Stats.F(healthyP99), "n/a");
            report.Row("one slow, P2C", p2c.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Stats.F(Stats.PercentileMs(p2c, 50)), Stats.F(p2cP99), Stats.F(p2cShare * 100, 1) + " %");
            report.Row("one slow, round robin", rr.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Stats.F(Stats.PercentileMs(rr, 50)), Stats.F(Stats.PercentileMs(rr, 99)), Stats.F(rrShare * 100, 1) + " %");
            report.Check("P2C: p99 ≤ 1.5× the all-healthy p99", $"≤ {Stats.F(1.5 * healthyP99)} ms", p2cP99, p2cP99 <= 1.5 * healthyP99, 1);
            report.Check("P2C: the slow replica gets a small share (≤ 5 %)", "≤ 5 %", p2cShare * 100, p2cShare <= 0.05, 1);
            report.Check("round robin baseline: the slow replica keeps a full share", "≥ 15 %", rrShare * 100, rrShare >= 0.15, 1);
            return report;
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The share of successful calls served by <paramref name="replica"/>.</summary>
    public static double SlowShare(IReadOnlyList<CallRecord> calls, string replica) =>
        Stats.Share([.. calls.Where(c => c.Outcome == CallOutcome.Ok)], c => c.ServedBy == replica);

    /// <summary>Warms up for a second, then measures <see cref="Rate"/> for the scale's duration.</summary>
    public static async Task<IReadOnlyList<CallRecord>> MeasureAsync(HttpClient client, LabScale scale, double rate = Rate)
    {
        ArgumentNullException.ThrowIfNull(scale);
        await LoadGenerator.RunAsync(rate, TimeSpan.FromSeconds(1), ct => LoadGenerator.GetAsync(client, "http://replicas/work", ct)).ConfigureAwait(false);
        return await LoadGenerator.RunAsync(rate, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://replicas/work", ct)).ConfigureAwait(false);
    }
}
