using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>The BBR instruments on <see cref="RedBookDiagnostics.Meter"/>, one set for every live limiter, tagged by name.</summary>
internal static class BbrTelemetry
{
    private static readonly ConditionalWeakTable<BbrRateLimiter, object?> s_live = new();

    private static readonly Counter<long> s_shed = RedBookDiagnostics.Meter.CreateCounter<long>(
        BbrConstants.ShedCounterName, "{request}", "Requests the BBR limiter shed.");

    static BbrTelemetry()
    {
        RedBookDiagnostics.Meter.CreateObservableGauge(
            BbrConstants.InFlightGaugeName, static () => Observe(static l => l.InFlight), "{request}", "Requests the BBR limiter admitted and not yet completed.");
        RedBookDiagnostics.Meter.CreateObservableGauge(
            BbrConstants.MaxInFlightGaugeName, static () => Observe(static l => l.MaxInFlight), "{request}", "BBR's estimate of the concurrency the service sustains.");
        RedBookDiagnostics.Meter.CreateObservableGauge(
            BbrConstants.CpuGaugeName, static () => Observe(static l => l.Cpu), "{permille}", "The smoothed CPU usage BBR sees, per mille of the quota.");
    }

    public static void Register(BbrRateLimiter limiter) => s_live.AddOrUpdate(limiter, null);

    public static void Unregister(BbrRateLimiter limiter) => s_live.Remove(limiter);

    public static void Shed(BbrRateLimiter limiter)
    {
        if (s_shed.Enabled)
        {
            s_shed.Add(1, new KeyValuePair<string, object?>(BbrConstants.LimiterTag, limiter.Name));
        }
    }

    private static List<Measurement<long>> Observe(Func<BbrRateLimiter, long> read)
    {
        var result = new List<Measurement<long>>();
        foreach (var (limiter, _) in s_live)
        {
            result.Add(new Measurement<long>(read(limiter), new KeyValuePair<string, object?>(BbrConstants.LimiterTag, limiter.Name)));
        }

        return result;
    }
}
