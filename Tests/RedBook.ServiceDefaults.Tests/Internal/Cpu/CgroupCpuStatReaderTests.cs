using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.ServiceDefaults.Tests.Internal.Cpu;

public sealed class CgroupCpuStatReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "redbook-cgroup-" + Guid.NewGuid().ToString("N"));

    public CgroupCpuStatReaderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void TryCreate_CgroupV2Tree_ReadsUsageUsecAndMinOfCpusetAndCpuMax()
    {
        Write("sys/cgroup.controllers", "cpuset cpu io memory pids\n");
        Write("sys/kubepods/pod1/cpu.stat", "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n");
        Write("sys/kubepods/pod1/cpu.max", "150000 100000\n");
        Write("sys/kubepods/pod1/cpuset.cpus.effective", "0-3\n");
        Write("proc-self-cgroup", "0::/kubepods/pod1\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), Path.Combine(_root, "proc-self-cgroup"), processorCount: 8);

        Assert.NotNull(reader);
        Assert.Equal("cgroup2", reader.Kind);
        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(1_234_567_000L, stat.UsageNanoseconds);
        Assert.Equal(1.5, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_CgroupV2LimitOnAnAncestor_TakesTheTightestLimitOnThePathToTheRoot()
    {
        // systemd and Kubernetes put the limit on the slice or pod and leave the leaf at "max".
        Write("sys/cgroup.controllers", "cpuset cpu\n");
        Write("sys/cpu.max", "max 100000\n");                                  // the root never limits
        Write("sys/kubepods/cpu.max", "400000 100000\n");                      // 4 cores
        Write("sys/kubepods/pod1/cpu.max", "50000 100000\n");                  // 0.5 core: the tightest
        Write("sys/kubepods/pod1/app/cpu.max", "max 100000\n");                // the leaf: no limit of its own
        Write("sys/kubepods/pod1/app/cpu.stat", "usage_usec 10\n");
        Write("sys/kubepods/pod1/app/cpuset.cpus.effective", "0-7\n");
        Write("proc-self-cgroup", "0::/kubepods/pod1/app\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), Path.Combine(_root, "proc-self-cgroup"), processorCount: 8)!;

        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(0.5, stat.QuotaCores);

        Write("sys/kubepods/pod1/app/cpu.max", "25000 100000\n");              // now the leaf is tighter
        Assert.True(reader.TryRead(out stat));
        Assert.Equal(0.25, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_CgroupV1LimitOnAnAncestor_TakesTheTightestLimitOnThePathToTheRoot()
    {
        Write("sys/cpu,cpuacct/cpuacct.usage", "1\n");
        Write("sys/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        Write("sys/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        Write("sys/cpu,cpuacct/kubepods/cpu.cfs_quota_us", "150000\n");
        Write("sys/cpu,cpuacct/kubepods/cpu.cfs_period_us", "100000\n");
        Write("sys/cpu,cpuacct/kubepods/abc/cpuacct.usage", "987654321\n");
        Write("sys/cpu,cpuacct/kubepods/abc/cpu.cfs_quota_us", "-1\n");
        Write("sys/cpu,cpuacct/kubepods/abc/cpu.cfs_period_us", "100000\n");
        Write("proc-self-cgroup", "4:cpu,cpuacct:/kubepods/abc\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), Path.Combine(_root, "proc-self-cgroup"), processorCount: 8)!;

        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(1.5, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_CgroupV2WithoutLimit_UsesCpusetThenProcessorCount()
    {
        Write("sys/cgroup.controllers", "cpu\n");
        Write("sys/cpu.stat", "usage_usec 10\n");
        Write("sys/cpu.max", "max 100000\n");
        Write("sys/cpuset.cpus.effective", "0,2-3\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), procSelfCgroup: null, processorCount: 8)!;

        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(3.0, stat.QuotaCores);

        File.Delete(Path.Combine(_root, "sys/cpuset.cpus.effective"));
        Assert.True(reader.TryRead(out stat));
        Assert.Equal(8.0, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_CgroupV1Tree_ReadsCpuacctUsageAndCfsQuota()
    {
        Write("sys/cpu,cpuacct/docker/abc/cpuacct.usage", "987654321\n");
        Write("sys/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000\n");
        Write("sys/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
        Write("sys/cpuset/docker/abc/cpuset.cpus", "0-1\n");
        Write("proc-self-cgroup", "5:cpuset:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), Path.Combine(_root, "proc-self-cgroup"), processorCount: 8);

        Assert.NotNull(reader);
        Assert.Equal("cgroup1", reader.Kind);
        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(987_654_321L, stat.UsageNanoseconds);
        Assert.Equal(0.5, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_CgroupV1MountedAtGroup_FallsBackToMountRoot_AndNoQuotaMeansCpuset()
    {
        // Inside a container the group's path does not exist under the mount: the mount root is the group.
        Write("sys/cpuacct/cpuacct.usage", "42\n");
        Write("sys/cpu/cpu.cfs_quota_us", "-1\n");
        Write("sys/cpu/cpu.cfs_period_us", "100000\n");
        Write("sys/cpuset/cpuset.cpus", "0-5\n");
        Write("proc-self-cgroup", "3:cpuset:/docker/x\n2:cpuacct:/docker/x\n1:cpu:/docker/x\n");

        var reader = CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), Path.Combine(_root, "proc-self-cgroup"), processorCount: 8)!;

        Assert.True(reader.TryRead(out var stat));
        Assert.Equal(42L, stat.UsageNanoseconds);
        Assert.Equal(6.0, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_MissingTree_ReturnsNull_AndCreateFallsBackToProcess()
    {
        var missing = Path.Combine(_root, "nothing-here");

        Assert.Null(CgroupCpuStatReader.TryCreate(missing, Path.Combine(missing, "cgroup"), processorCount: 4));
        var reader = CgroupCpuStatReader.Create(missing, Path.Combine(missing, "cgroup"));
        Assert.IsType<ProcessCpuStatReader>(reader);
        Assert.Equal("process", reader.Kind);
        Assert.True(reader.TryRead(out var stat));
        Assert.True(stat.UsageNanoseconds > 0);
        Assert.Equal(Environment.ProcessorCount, stat.QuotaCores);
    }

    [Fact]
    public void TryCreate_UnreadableUsage_ReturnsNull()
    {
        Write("sys/cgroup.controllers", "cpu\n");
        Write("sys/cpu.stat", "user_usec 10\n");   // no usage_usec

        Assert.Null(CgroupCpuStatReader.TryCreate(Path.Combine(_root, "sys"), null, processorCount: 2));
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-3", 4)]
    [InlineData("0,3-4,7,8-10", 7)]
    [InlineData(" 1-2\n", 2)]
    [InlineData("", null)]
    [InlineData("3-1", null)]
    [InlineData("a-b", null)]
    [InlineData("x", null)]
    public void ParseCpusetCount_Formats(string text, int? expected)
        => Assert.Equal(expected, CgroupCpuStatReader.ParseCpusetCount(text));

    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("200000 100000", 2.0)]
    [InlineData("50000 100000\n", 0.5)]
    [InlineData("50000", null)]
    [InlineData("50000 0", null)]
    [InlineData(null, null)]
    public void ParseCpuMax_Formats(string? text, double? expected)
        => Assert.Equal(expected, CgroupCpuStatReader.ParseCpuMax(text));

    [Theory]
    [InlineData("-1", "100000", null)]
    [InlineData("250000", "100000", 2.5)]
    [InlineData("100000", "0", null)]
    [InlineData("junk", "100000", null)]
    public void ParseCfs_Formats(string quota, string period, double? expected)
        => Assert.Equal(expected, CgroupCpuStatReader.ParseCfs(quota, period));

    [Fact]
    public void ParseCpuStatUsageMicroseconds_FindsTheLine()
    {
        Assert.Equal(77L, CgroupCpuStatReader.ParseCpuStatUsageMicroseconds("nr_periods 0\nusage_usec 77\n"));
        Assert.Null(CgroupCpuStatReader.ParseCpuStatUsageMicroseconds("usage_usec\n"));
        Assert.Null(CgroupCpuStatReader.ParseCpuStatUsageMicroseconds(null));
    }
}
