using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>
/// The "CPU" of a service whose capacity is a worker pool rather than processor time: the share of busy workers, in
/// per mille. The lab's sample service sleeps instead of burning CPU (so a noisy 2-core machine measures the
/// algorithm, not the scheduler), which makes real CPU useless as BBR's saturation signal; pool utilisation is the
/// same signal for this service — 1000 exactly when no more work can start — so feeding it to BBR in place of the
/// cgroup sampler keeps the algorithm's decision rule intact.
/// </summary>
public sealed class WorkerPoolCpu(Backend backend) : ICpuUsageSource
{
    /// <inheritdoc />
    public int Usage => backend.WorkerCount == 0 ? 0 : Math.Min(1000, backend.Busy * 1000 / backend.WorkerCount);
}
