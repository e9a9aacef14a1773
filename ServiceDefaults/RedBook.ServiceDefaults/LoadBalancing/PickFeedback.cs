using System.Globalization;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// How a picked call ended: success or failure, optionally the measured latency (otherwise the balancer measures it
/// from the pick with its <see cref="TimeProvider"/>), and optionally the server-reported CPU usage.
/// </summary>
public readonly struct PickFeedback
{
    /// <summary>Creates feedback.</summary>
    /// <param name="success">False for failures that say the endpoint is unhealthy (unavailable, deadline exceeded, 5xx, connection errors).</param>
    /// <param name="latency">The call's latency, measured from the pick (the completion is taken to be the pick plus this); null to measure it with the balancer's clock.</param>
    /// <param name="serverCpu">The server's CPU usage in [0, 1] (for example from <see cref="LoadBalancingConstants.ServerCpuHeader"/>); NaN when unknown.</param>
    public PickFeedback(bool success, TimeSpan? latency = null, double serverCpu = double.NaN)
    {
        Success = success;
        Latency = latency;
        ServerCpu = serverCpu;
    }

    /// <summary>A successful call, latency measured by the balancer, CPU unknown.</summary>
    public static PickFeedback Succeeded => new(true);

    /// <summary>A failed call, latency measured by the balancer, CPU unknown.</summary>
    public static PickFeedback Failed => new(false);

    /// <summary>True when the call succeeded (from the endpoint's health point of view).</summary>
    public bool Success { get; }

    /// <summary>The measured latency, or null to let the balancer measure it.</summary>
    public TimeSpan? Latency { get; }

    /// <summary>The server-reported CPU usage in [0, 1], or NaN when unknown.</summary>
    public double ServerCpu { get; }

    /// <summary>
    /// Parses the value of <see cref="LoadBalancingConstants.ServerCpuHeader"/>: an integer in per mille (0 to 1000,
    /// the unit BBR uses). Returns NaN for a missing or malformed value, so a bad header never fails a call.
    /// </summary>
    public static double ParseServerCpu(ReadOnlySpan<char> headerValue)
    {
        if (headerValue.IsEmpty
            || !int.TryParse(headerValue, NumberStyles.None, CultureInfo.InvariantCulture, out var perMille)
            || perMille > 1000)
        {
            return double.NaN;
        }

        return perMille / 1000.0;
    }
}
