using System.Diagnostics;

namespace RedBook.ServiceDefaults.Internal.Cpu;

/// <summary>
/// The fallback when no cgroup files are readable (Windows, macOS, a locked-down container): this process's CPU
/// time over all the machine's logical processors.
/// </summary>
internal sealed class ProcessCpuStatReader : ICpuStatReader
{
    /// <inheritdoc />
    public string Kind => "process";

    /// <inheritdoc />
    public bool TryRead(out CpuStat stat)
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            stat = new CpuStat(process.TotalProcessorTime.Ticks * 100, Environment.ProcessorCount);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or PlatformNotSupportedException)
        {
            stat = default;
            return false;
        }
    }
}
