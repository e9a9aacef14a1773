using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.CoDel;

/// <summary>The CoDel instruments on <see cref="RedBookDiagnostics.Meter"/>, tagged by limiter name.</summary>
internal static class CoDelTelemetry
{
    private static readonly ConditionalWeakTable<CoDelRateLimiter, object?> s_live = new();

    private static readonly Counter<long> s_shed = RedBookDiagnostics.Meter.CreateCounter<long>(
        CoDelConstants.ShedCounterName, "{request}", "Requests the CoDel admission queue rejected or shed.");

    static CoDelTelemetry()
    {
        RedBookDiagnostics.Meter.CreateObservableGauge(
            CoDelConstants.QueueLengthGaugeName, static () => Observe(), "{request}", "Requests waiting in the CoDel admission queue.");
    }

    public static void Register(CoDelRateLimiter limiter) => s_live.AddOrUpdate(limiter, null);

    public static void Unregister(CoDelRateLimiter limiter) => s_live.Remove(limiter);

    public static void Shed(CoDelRateLimiter limiter, string reason)
    {
        if (s_shed.Enabled)
        {
            s_shed.Add(
                1,
                new KeyValuePair<string, object?>(CoDelConstants.LimiterTag, limiter.Name),
                new KeyValuePair<string, object?>(CoDelConstants.ReasonTag, reason));
        }
    }

    private static List<Measurement<int>> Observe()
    {
        var result = new List<Measurement<int>>();
        foreach (var (limiter, _) in s_live)
        {
            result.Add(new Measurement<int>(limiter.QueueLength, new KeyValuePair<string, object?>(CoDelConstants.LimiterTag, limiter.Name)));
        }

        return result;
    }
}
