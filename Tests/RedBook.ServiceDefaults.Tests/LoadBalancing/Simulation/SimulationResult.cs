namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

/// <summary>What a run measured (requests started after the warm-up).</summary>
public sealed class SimulationResult
{
    public required IReadOnlyDictionary<string, long> RequestsPerServer { get; init; }

    /// <summary>Requests per server per second-since-start bucket (for ramp-up checks).</summary>
    public required IReadOnlyDictionary<string, long[]> RequestsPerServerPerSecond { get; init; }

    /// <summary>Client-observed latencies in milliseconds, sorted ascending (timeouts count as the timeout).</summary>
    public required double[] LatenciesMs { get; init; }

    public required long Requests { get; init; }

    public required long Failures { get; init; }

    public double FailureRate => Requests == 0 ? 0 : (double)Failures / Requests;

    public double Share(string server) => Requests == 0 ? 0 : (double)RequestsPerServer.GetValueOrDefault(server) / Requests;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(p * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(index, 0, LatenciesMs.Length - 1)];
    }

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public override string ToString()
        => $"requests={Requests} failures={FailureRate:P2} p50={P50:F1}ms p99={P99:F1}ms shares=[{string.Join(", ", RequestsPerServer.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{Share(kv.Key):P1}"))}]";
}
