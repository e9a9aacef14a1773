using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.ServiceDefaults.Tests.Bbr;

/// <summary>A CPU source the test sets by hand.</summary>
public sealed class FakeCpuUsageSource : ICpuUsageSource
{
    public int Usage { get; set; }
}
