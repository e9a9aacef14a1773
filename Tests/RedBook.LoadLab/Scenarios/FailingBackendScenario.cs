using System.Globalization;
using RedBook.LoadLab.Infrastructure;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 3. Failing backend. After a second of healthy traffic (so the breaker has history and no request is still in
/// flight from a cold start), the backend rejects 90 % of what reaches it (503 Unavailable). The caller's SRE breaker
/// (K = 1.5, a 2 s window for a short lab; retries off so only the breaker acts) throttles what it sends; then the
/// backend heals and the time until the caller's success rate is back above 90 % is measured. A caller without the
/// breaker is the baseline.
/// </summary>
public static class FailingBackendScenario
{
    /// <summary>The offered rate.</summary>
    public const double Rate = 100;

    /// <summary>The breaker's K.</summary>
    public const double K = 1.5;

    /// <summary>The breaker's rolling window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "3. Failing backend: 90 % rejected, then healed",
            $"One backend (5 ms); 1 s healthy, then rejecting 90 % with 503 Unavailable at {Rate:0} rps open-loop for {scale.Duration.TotalSeconds:0} s (figures from its steady state, after the first window, which still holds the healthy accepts), then healed and loaded for {RecoveryPhase(scale).TotalSeconds:0} s more. Breaker K = {K}, window {Window.TotalSeconds:0} s, minimum 20 requests (local rejections count as requests); retries off. Recovery = from healing to the first 250 ms bin after which every bin has ≥ 90 % success.",
            "Variant", "Calls", "Reached backend", "Accepted by backend", "Reached ÷ (K × accepted)", "Rejected locally", "Recovery after heal");
        var withBreaker = await RunVariantAsync(breaker: true, scale).ConfigureAwait(false);
        var without = await RunVariantAsync(breaker: false, scale).ConfigureAwait(false);
        foreach (var (name, v) in new[] { ("SRE breaker", withBreaker), ("no breaker", without) })
        {
            report.Row(
                name,
                v.Calls.ToString(CultureInfo.InvariantCulture),
                v.Reached.ToString(CultureInfo.InvariantCulture),
                v.Accepted.ToString(CultureInfo.InvariantCulture),
                Stats.F(v.Reached / (K * Math.Max(1, v.Accepted)), 2),
                v.LocallyRejected.ToString(CultureInfo.InvariantCulture),
                v.Recovery is { } r ? $"{r.TotalMilliseconds:0} ms" : "not recovered");
        }

        // The SRE formula lets K × accepts + 1 through per window (the "+1" of requests + 1), so with few accepts
        // the bound is K × accepts plus one per window of the measured steady state.
        var windows = Math.Max(1, (scale.Duration - Window).TotalSeconds / Window.TotalSeconds);
        var bound = K * withBreaker.Accepted + windows;
        report.Check("breaker: what reaches the backend stays near K × accepts", $"≤ 2 × (K × accepts + 1 per window) = {Stats.F(2 * bound, 0)}", withBreaker.Reached, withBreaker.Reached <= 2 * bound, 0);
        report.Check("breaker: far less reaches the backend than without it", "< 50 % of calls", 100.0 * withBreaker.Reached / withBreaker.Calls, withBreaker.Reached < 0.5 * withBreaker.Calls, 1);
        var recovery = withBreaker.Recovery?.TotalMilliseconds ?? double.PositiveInfinity;
        report.Check("breaker: traffic recovers within a window after healing", $"≤ {Window.TotalMilliseconds:0} ms", recovery, recovery <= Window.TotalMilliseconds, 0);
        report.Check("breaker: traffic recovers at all (within the recovery phase)", $"≤ {RecoveryPhase(scale).TotalMilliseconds:0} ms", recovery, withBreaker.Recovery is not null, 0);
        return report;
    }

    /// <summary>How long the healed backend is loaded: long enough for the SRE throttle's exponential climb back.</summary>
    public static TimeSpan RecoveryPhase(LabScale scale) => TimeSpan.FromSeconds(Math.Max(15, scale.Duration.TotalSeconds * 2));

    /// <summary>The figures of one variant.</summary>
    /// <param name="Calls">Calls in the failing phase's steady state.</param>
    /// <param name="Reached">Of them, attempts that reached the backend.</param>
    /// <param name="Accepted">Of those, the ones the backend accepted.</param>
    /// <param name="LocallyRejected">Calls the breaker rejected locally.</param>
    /// <param name="Recovery">From healing to sustained ≥ 90 % success; null if not within the recovery phase.</param>
    /// <param name="HealedTailSuccess">The success share over the last quarter of the recovery phase.</param>
    public sealed record Variant(long Calls, long Reached, long Accepted, long LocallyRejected, TimeSpan? Recovery, double HealedTailSuccess);

    /// <summary>Runs one variant on a fresh backend and caller (<paramref name="window"/>: the breaker's window, <see cref="Window"/> by default).</summary>
    public static async Task<Variant> RunVariantAsync(bool breaker, LabScale scale, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var breakerWindow = window ?? Window;
        var backend = new Backend("failing-0", TimeSpan.FromMilliseconds(5));
        await using var service = await LoopbackService.StartAsync("failing", backend.Map).ConfigureAwait(false);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:failing:http:0"] = service.Address.ToString(),
                ["RedBook:Clients:failing:Deadline:DefaultTimeout"] = "00:00:02",
                ["RedBook:Clients:failing:Retry:Enabled"] = "false",
                ["RedBook:Clients:failing:Breaker:Enabled"] = breaker ? "true" : "false",
                ["RedBook:Clients:failing:Breaker:K"] = K.ToString(CultureInfo.InvariantCulture),
                ["RedBook:Clients:failing:Breaker:Window"] = breakerWindow.ToString(),
            },
            "failing").ConfigureAwait(false);
        var client = caller.Client("failing");

        await LoadGenerator.RunAsync(Rate, TimeSpan.FromSeconds(1), ct => LoadGenerator.GetAsync(client, "http://failing/work", ct)).ConfigureAwait(false);
        backend.RejectRatio = 0.9;
        var failingAt = TimeProvider.System.GetTimestamp();
        var load = LoadGenerator.RunAsync(Rate, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://failing/work", ct));

        // The first window still holds the healthy phase's accepts; the steady state starts one window in.
        await Task.Delay(breakerWindow, TimeProvider.System).ConfigureAwait(false);
        var (reachedBefore, acceptedBefore) = (backend.Received, backend.Completed);
        var failing = await load.ConfigureAwait(false);
        var reached = backend.Received - reachedBefore;
        var accepted = backend.Completed - acceptedBefore;
        var steadyFrom = failingAt + (long)(breakerWindow.TotalSeconds * TimeProvider.System.TimestampFrequency);
        failing = [.. failing.Where(c => c.StartTimestamp >= steadyFrom)];

        backend.RejectRatio = 0;
        var healedAt = TimeProvider.System.GetTimestamp();
        var healed = await LoadGenerator.RunAsync(Rate, RecoveryPhase(scale), ct => LoadGenerator.GetAsync(client, "http://failing/work", ct)).ConfigureAwait(false);
        var tail = healed.Skip(healed.Count * 3 / 4).ToArray();
        return new Variant(failing.Count, reached, accepted, failing.Count(c => c.Outcome == CallOutcome.BreakerOpen), RecoveryTime(healed, healedAt), Stats.Share(tail, c => c.Outcome == CallOutcome.Ok));
    }

    /// <summary>
    /// The time from <paramref name="healedAt"/> to the start of the first 250 ms bin from which every later bin has a
    /// success rate of at least 90 %.
    /// </summary>
    public static TimeSpan? RecoveryTime(IReadOnlyList<CallRecord> calls, long healedAt)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var bin = TimeSpan.FromMilliseconds(250);
        var frequency = TimeProvider.System.TimestampFrequency;
        var bins = calls
            .GroupBy(c => (int)((c.StartTimestamp - healedAt) / (double)frequency / bin.TotalSeconds))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, Rate: (double)g.Count(c => c.Outcome == CallOutcome.Ok) / g.Count()))
            .ToArray();
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins.Skip(i).All(b => b.Rate >= 0.9))
            {
                return bin * bins[i].Key;
            }
        }

        return null;
    }
}
