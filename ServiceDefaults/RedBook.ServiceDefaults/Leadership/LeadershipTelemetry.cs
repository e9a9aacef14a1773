using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>The leader-election instruments on <see cref="RedBookDiagnostics.Meter"/>.</summary>
internal static class LeadershipTelemetry
{
    public const string Acquired = "acquired";
    public const string Lost = "lost";
    public const string Resigned = "resigned";

    private static readonly ConditionalWeakTable<LeadershipSlot, object?> s_live = new();

    private static readonly Counter<long> s_transitions = RedBookDiagnostics.Meter.CreateCounter<long>(
        LeaderElectionConstants.TransitionsCounterName, "{transition}", "Leadership acquired, lost or resigned by this instance.");

    static LeadershipTelemetry()
    {
        RedBookDiagnostics.Meter.CreateObservableGauge(
            LeaderElectionConstants.LeaderGaugeName, Observe, "{leader}", "1 while this instance leads the election, else 0.");
    }

    public static void Register(LeadershipSlot slot) => s_live.AddOrUpdate(slot, null);

    public static void Unregister(LeadershipSlot slot) => s_live.Remove(slot);

    public static void Transition(string election, string transition)
    {
        if (s_transitions.Enabled)
        {
            s_transitions.Add(1, new KeyValuePair<string, object?>(LeaderElectionConstants.ElectionTag, election), new KeyValuePair<string, object?>(LeaderElectionConstants.TransitionTag, transition));
        }
    }

    private static List<Measurement<int>> Observe()
    {
        var result = new List<Measurement<int>>();
        foreach (var (slot, _) in s_live)
        {
            result.Add(new Measurement<int>(slot.Current is null ? 0 : 1, new KeyValuePair<string, object?>(LeaderElectionConstants.ElectionTag, slot.Name)));
        }

        return result;
    }
}
