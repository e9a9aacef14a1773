namespace RedBook.LoadLab.Infrastructure;

/// <summary>Percentiles and shares over call records.</summary>
public static class Stats
{
    /// <summary>The <paramref name="p"/>-th percentile (0-100, nearest rank) of the latencies in ms; NaN when empty.</summary>
    public static double PercentileMs(IEnumerable<CallRecord> records, double p)
    {
        var sorted = records.Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The share (0-1) of records matching <paramref name="predicate"/>; 0 when empty.</summary>
    public static double Share(IReadOnlyCollection<CallRecord> records, Func<CallRecord, bool> predicate) =>
        records.Count == 0 ? 0 : (double)records.Count(predicate) / records.Count;

    /// <summary>Counts of the reasons of calls that did not succeed, most frequent first (<c>REASON×n, ...</c>), or "none".</summary>
    public static string Failures(IEnumerable<CallRecord> records)
    {
        var groups = records.Where(r => r.Outcome != CallOutcome.Ok)
            .GroupBy(r => r.Reason ?? r.Outcome.ToString())
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key}×{g.Count()}")
            .ToArray();
        return groups.Length == 0 ? "none" : string.Join(", ", groups);
    }

    /// <summary>Formats a number for the table.</summary>
    public static string F(double value, int decimals = 1) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
}
