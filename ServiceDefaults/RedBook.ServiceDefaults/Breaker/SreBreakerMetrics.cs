using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>The SRE breaker's own instruments on <see cref="RedBookDiagnostics.Meter"/>.</summary>
internal static class SreBreakerMetrics
{
    public const string KeyTag = "redbook.breaker.key";

    private static readonly ConditionalWeakTable<SreThrottle, object?> s_throttles = [];

    public static readonly Counter<long> Rejections = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.breaker.rejections", "{call}", "Calls the SRE breaker rejected locally.");

    public static readonly Counter<long> Probes = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.breaker.probes", "{call}", "Calls the SRE breaker let through as probes while it was dropping.");

    public static readonly ObservableGauge<double> DropRatio = RedBookDiagnostics.Meter.CreateObservableGauge(
        "redbook.breaker.drop_ratio", ObserveDropRatios, "1", "The probability that the SRE breaker rejects a call, per key.");

    public static void Track(SreThrottle throttle) => s_throttles.AddOrUpdate(throttle, null);

    private static IEnumerable<Measurement<double>> ObserveDropRatios()
    {
        foreach (var pair in s_throttles)
        {
            yield return new Measurement<double>(pair.Key.DropRatio, new KeyValuePair<string, object?>(KeyTag, pair.Key.Key));
        }
    }
}
