using System.Globalization;
using RedBook.LoadLab.Infrastructure;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 3. Failing backend. After a second of healthy traffic (so the breaker has history and no request is still in
/// flight from a cold start), the backend rejects 90 % of what reaches it (503 Unavailable). The caller's SRE breaker
/// (K = 1.5, a 2 s window for a short lab; retries off so only the breaker acts) throttles what it sends; then the
/// backend heals and the time until the caller's success rate is back above 90 % is measured. The lab shrinks the
/// breaker's clock five-fold (window 10 s → 2 s, probe interval 1 s → 200 ms). A caller without the breaker is the
/// baseline, and the book formula alone (no probe, no recovery ramp) is the control.
/// </summary>
public static class FailingBackendScenario
{
    /// <summary>The offered rate.</summary>
    public const double Rate = 100;

    /// <summary>The breaker's K.</summary>
    public const double K = 1.5;

    /// <summary>The breaker's rolling window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    /// <summary>The breaker's probe interval (the 1 s default shrunk with the window).</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "3. Failing backend: 90 % rejected, then healed",
            $"One backend (5 ms); 1 s healthy, then rejecting 90 % with 503 Unavailable at {Rate:0} rps open-loop for {scale.Duration.TotalSeconds:0} s (figures from its steady state, after the first window, which still holds the healthy accepts), then healed and loaded for {RecoveryPhase(scale).TotalSeconds:0} s more. Breaker K = {K}, window {Window.TotalSeconds:0} s, probe interval {ProbeInterval.TotalMilliseconds:0} ms, recovery run 10 successes, minimum 20 requests (local rejections count as requests); retries off. A call at time t is let through by the accepts of [t − window, t], so the bound on what reaches the backend in the steady state is K × the accepts from the start of the failure plus one probe per interval. Recovery = from healing to the first 250 ms bin after which every bin has ≥ 90 % success.",
            "Variant", "Calls", "Reached backend", "Accepted (steady / since failing)", "Bound: K × accepts since failing + probes", "Rejected locally", "Recovery after heal");
        var withBreaker = await RunVariantAsync(Mode.Breaker, scale).ConfigureAwait(false);
        var book = await RunVariantAsync(Mode.BookFormula, scale).ConfigureAwait(false);
        var without = await RunVariantAsync(Mode.Off, scale).ConfigureAwait(false);
        foreach (var (name, v) in new[] { ("SRE breaker (probe + recovery ramp)", withBreaker), ("book formula alone (control)", book), ("no breaker", without) })
        {
            report.Row(
                name,
                v.Calls.ToString(CultureInfo.InvariantCulture),
                v.Reached.ToString(CultureInfo.InvariantCulture),
                $"{v.Accepted} / {v.AcceptedSinceFailing}",
                Stats.F(Bound(v, scale), 1),
                v.LocallyRejected.ToString(CultureInfo.InvariantCulture),
                v.Recovery is { } r ? $"{r.TotalMilliseconds:0} ms" : "not recovered");
        }

        report.Check("breaker: what reaches the backend stays within K × accepts + probes", $"≤ {Stats.F(Bound(withBreaker, scale), 1)}", withBreaker.Reached, withBreaker.Reached <= Bound(withBreaker, scale), 0);
        report.Check("breaker: far less reaches the backend than without it", "< 50 % of calls", 100.0 * withBreaker.Reached / withBreaker.Calls, withBreaker.Reached < 0.5 * withBreaker.Calls, 1);
        var recovery = withBreaker.Recovery?.TotalMilliseconds ?? double.PositiveInfinity;
        report.Check("breaker: traffic recovers within a window after healing", $"≤ {Window.TotalMilliseconds:0} ms", recovery, recovery <= Window.TotalMilliseconds, 0);
        var bookRecovery = book.Recovery?.TotalMilliseconds ?? double.PositiveInfinity;
        report.Check("control: the book formula alone takes longer than a window to recover", $"> {Window.TotalMilliseconds:0} ms", bookRecovery, bookRecovery > Window.TotalMilliseconds, 0);
        return report;
    }

    /// <summary>K × the accepts since the failure began, plus one probe per interval of the measured steady state.</summary>
    public static double Bound(Variant variant, LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(scale);
        return (K * variant.AcceptedSinceFailing) + ((scale.Duration - Window) / ProbeInterval);
    }

    /// <summary>How the caller's breaker is set up.</summary>
    public enum Mode
    {
        /// <summary>The SRE breaker with its defaults (probe and recovery ramp), on the lab's shrunk clock.</summary>
        Breaker,

        /// <summary>The book formula alone: the ramp off and a probe interval longer than the run.</summary>
        BookFormula,

        /// <summary>No breaker.</summary>
        Off,
    }

    /// <summary>How long the healed backend is loaded: five windows at least (the book formula alone may need more).</summary>
    public static TimeSpan RecoveryPhase(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return TimeSpan.FromSeconds(Math.Max(5, scale.Duration.TotalSeconds));
    }

    /// <summary>The figures of one variant.</summary>
    /// <param name="Calls">Calls in the failing phase's steady state.</param>
    /// <param name="Reached">Of them, attempts that reached the backend.</param>
    /// <param name="Accepted">Of those, the ones the backend accepted.</param>
    /// <param name="AcceptedSinceFailing">The accepts from the start of the failure to its end (the bound's input).</param>
    /// <param name="LocallyRejected">Calls the breaker rejected locally.</param>
    /// <param name="Recovery">From healing to sustained ≥ 90 % success; null if not within the recovery phase.</param>
    /// <param name="HealedTailSuccess">The success share over the last quarter of the recovery phase.</param>
    public sealed record Variant(long Calls, long Reached, long Accepted, long AcceptedSinceFailing, long LocallyRejected, TimeSpan? Recovery, double HealedTailSuccess);

    /// <summary>Runs one variant on a fresh backend and caller.</summary>
    public static async Task<Variant> RunVariantAsync(Mode mode, LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var backend = new Backend("failing-0", TimeSpan.FromMilliseconds(5));
        await using var service = await LoopbackService.StartAsync("failing", backend.Map).ConfigureAwait(false);
        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:failing:http:0"] = service.Address.ToString(),
                ["RedBook:Clients:failing:Deadline:DefaultTimeout"] = "00:00:02",
                ["RedBook:Clients:failing:Retry:Enabled"] = "false",
                ["RedBook:Clients:failing:Breaker:Enabled"] = mode == Mode.Off ? "false" : "true",
                ["RedBook:Clients:failing:Breaker:K"] = K.ToString(CultureInfo.InvariantCulture),
                ["RedBook:Clients:failing:Breaker:Window"] = Window.ToString(),
                ["RedBook:Clients:failing:Breaker:ProbeInterval"] = (mode == Mode.BookFormula ? TimeSpan.FromMinutes(1) : ProbeInterval).ToString(),
                ["RedBook:Clients:failing:Breaker:RecoverySuccesses"] = mode == Mode.BookFormula ? "0" : "10",
            },
            "failing").ConfigureAwait(false);
        var client = caller.Client("failing");

        await LoadGenerator.RunAsync(Rate, TimeSpan.FromSeconds(1), ct => LoadGenerator.GetAsync(client, "http://failing/work", ct)).ConfigureAwait(false);
        backend.RejectRatio = 0.9;
        var acceptedAtFailing = backend.Completed;
        var failingAt = TimeProvider.System.GetTimestamp();
        var load = LoadGenerator.RunAsync(Rate, scale.Duration, ct => LoadGenerator.GetAsync(client, "http://failing/work", ct));

        // The first window still holds the healthy phase's accepts; the steady state starts one window in.
        await Task.Delay(Window, TimeProvider.System).ConfigureAwait(false);
        var (reachedBefore, acceptedBefore) = (backend.Received, backend.Completed);
        var failing = await load.ConfigureAwait(false);
        var reached = backend.Received - reachedBefore;
        var accepted = backend.Completed - acceptedBefore;
        var acceptedSinceFailing = backend.Completed - acceptedAtFailing;
        var steadyFrom = failingAt + (long)(Window.TotalSeconds * TimeProvider.System.TimestampFrequency);
        failing = [.. failing.Where(c => c.StartTimestamp >= steadyFrom)];

        backend.RejectRatio = 0;
        var healedAt = TimeProvider.System.GetTimestamp();
        var healed = await LoadGenerator.RunAsync(Rate, RecoveryPhase(scale), ct => LoadGenerator.GetAsync(client, "http://failing/work", ct)).ConfigureAwait(false);
        var tail = healed.Skip(healed.Count * 3 / 4).ToArray();
        return new Variant(failing.Count, reached, accepted, acceptedSinceFailing, failing.Count(c => c.Outcome == CallOutcome.BreakerOpen), RecoveryTime(healed, healedAt), Stats.Share(tail, c => c.Outcome == CallOutcome.Ok));
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
