using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>The deadline strategy's own instruments on <see cref="RedBookDiagnostics.Meter"/>.</summary>
internal static class DeadlineMetrics
{
    public static readonly Counter<long> FailFasts = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.deadline.fail_fasts", "{call}", "Calls refused without calling because the remaining budget was below the minimum.");

    public static readonly Counter<long> Exceeded = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.deadline.exceeded", "{call}", "Calls cancelled because their budget ran out.");
}
