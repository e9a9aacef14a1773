using System.Globalization;
using RedBook.LoadLab.Infrastructure;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 5. Outage. Every replica fails every request (503 Unavailable, retryable). The caller retries idempotent GETs with
/// the budgeted retry (3 attempts, a 20 % budget, with and without its floor of 10 retries per second of history, which
/// is a minimum rather than an addition or a reserve); the breaker is off for
/// this client so only the budget limits the retries. Amplification = attempts that reached the replicas ÷ calls.
/// A caller whose retries have no budget (three attempts, always) is the baseline.
/// </summary>
public static class OutageScenario
{
    /// <summary>The offered rate.</summary>
    public const double Rate = 100;

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "5. Outage: retries within the budget",
            $"Two replicas failing every request with 503 Unavailable; {Rate:0} rps open-loop GETs for {scale.Duration.TotalSeconds:0} s; 3 attempts per call; breaker off for this client.",
            "Variant", "Calls", "Attempts reaching replicas", "Amplification");
        var ratioOnly = await RunVariantAsync(Budget.RatioOnly, scale).ConfigureAwait(false);
        var defaults = await RunVariantAsync(Budget.Defaults, scale).ConfigureAwait(false);
        var unbudgeted = await RunVariantAsync(Budget.Unlimited, scale).ConfigureAwait(false);
        report.Row("budget 20 %, no floor", ratioOnly.Calls.ToString(CultureInfo.InvariantCulture), ratioOnly.Attempts.ToString(CultureInfo.InvariantCulture), Stats.F(ratioOnly.Amplification, 2) + "×");
        report.Row("budget defaults: 20 % or the floor of 10 retries per second of history, whichever is greater", defaults.Calls.ToString(CultureInfo.InvariantCulture), defaults.Attempts.ToString(CultureInfo.InvariantCulture), Stats.F(defaults.Amplification, 2) + "×");
        report.Row("no budget (ratio 10: every call retried)", unbudgeted.Calls.ToString(CultureInfo.InvariantCulture), unbudgeted.Attempts.ToString(CultureInfo.InvariantCulture), Stats.F(unbudgeted.Amplification, 2) + "×");
        report.Check("outage, 20 % budget: amplification ≤ 1.2×", "≤ 1.20", ratioOnly.Amplification, ratioOnly.Amplification <= 1.2);
        report.Check("outage, default budget (with the 10/s floor): amplification ≤ 1.2×", "≤ 1.20", defaults.Amplification, defaults.Amplification <= 1.2);
        return report;
    }

    /// <summary>The figures of one variant.</summary>
    public sealed record Variant(long Calls, long Attempts)
    {
        /// <summary>Attempts per call.</summary>
        public double Amplification => Calls == 0 ? double.NaN : (double)Attempts / Calls;
    }

    /// <summary>The retry budget a variant runs with.</summary>
    public enum Budget
    {
        /// <summary>20 % of recent calls, no floor.</summary>
        RatioOnly,

        /// <summary>The retry strategy's defaults: 20 %, or 10 retries per second when that is more.</summary>
        Defaults,

        /// <summary>Effectively no budget.</summary>
        Unlimited,
    }

    /// <summary>Runs one variant on fresh replicas and a fresh caller.</summary>
    public static async Task<Variant> RunVariantAsync(Budget budget, LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var backends = new[] { new Backend("down-0", TimeSpan.Zero) { RejectRatio = 1 }, new Backend("down-1", TimeSpan.Zero) { RejectRatio = 1 } };
        await using var a = await LoopbackService.StartAsync("down", backends[0].Map).ConfigureAwait(false);
        await using var b = await LoopbackService.StartAsync("down", backends[1].Map).ConfigureAwait(false);
        var config = new Dictionary<string, string?>
        {
            ["services:down:http:0"] = a.Address.ToString(),
            ["services:down:http:1"] = b.Address.ToString(),
            ["RedBook:Clients:down:Deadline:DefaultTimeout"] = "00:00:02",
            ["RedBook:Clients:down:Breaker:Enabled"] = "false",
            ["RedBook:Clients:down:Retry:MaxAttempts"] = "3",
            ["RedBook:Clients:down:Retry:BaseDelay"] = "00:00:00.010",
        };
        if (budget == Budget.RatioOnly)
        {
            config["RedBook:Clients:down:Retry:MinRetriesPerSecond"] = "0";
        }
        else if (budget == Budget.Unlimited)
        {
            config["RedBook:Clients:down:Retry:BudgetRatio"] = "10";
            config["RedBook:Clients:down:Retry:MinRetriesPerSecond"] = "10000";
        }

        await using var caller = await ClientHost.StartAsync(config, "down").ConfigureAwait(false);
        var client = caller.Client("down");
        var calls = await LoadGenerator.RunAsync(Rate, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://down/work", ct)).ConfigureAwait(false);
        return new Variant(calls.Count, backends.Sum(x => x.Received));
    }
}
