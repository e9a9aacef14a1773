namespace RedBook.ServiceDefaults.Internal.Cpu;

/// <summary>One reading of a CPU counter: the cumulative CPU time consumed and the CPU quota, in cores.</summary>
/// <param name="UsageNanoseconds">Cumulative CPU time consumed by the cgroup (or the process), in nanoseconds.</param>
/// <param name="QuotaCores">How many cores the cgroup may use: min(cpuset cores, CFS quota / period).</param>
internal readonly record struct CpuStat(long UsageNanoseconds, double QuotaCores);

/// <summary>Reads the cumulative CPU time and quota. Implementations: cgroup v2, cgroup v1, process fallback.</summary>
internal interface ICpuStatReader
{
    /// <summary>A short name of the source, for diagnostics (<c>cgroup2</c>, <c>cgroup1</c>, <c>process</c>).</summary>
    string Kind { get; }

    /// <summary>Reads the counter; false when the files are unreadable now.</summary>
    bool TryRead(out CpuStat stat);
}
