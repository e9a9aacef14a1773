namespace RedBook.ServiceDefaults.Internal.Cpu;

/// <summary>
/// The CPU usage of this service, in per mille of the CPU it may use (its cgroup quota), smoothed. BBR reads it on
/// every admission decision, so an implementation returns a cached value. Tests substitute their own.
/// </summary>
public interface ICpuUsageSource
{
    /// <summary>The smoothed CPU usage in per mille (0 to 1000) of the CPU quota.</summary>
    int Usage { get; }
}
