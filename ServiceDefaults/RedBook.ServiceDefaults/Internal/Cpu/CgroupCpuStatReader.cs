using System.Globalization;

namespace RedBook.ServiceDefaults.Internal.Cpu;

/// <summary>
/// Reads the CPU time and quota of this process's cgroup, v2 or v1, as go-kratos/aegis <c>internal/cpu</c> does:
/// v2 reads <c>cpu.stat</c> (<c>usage_usec</c>), <c>cpu.max</c> and <c>cpuset.cpus.effective</c>; v1 reads
/// <c>cpuacct.usage</c>, <c>cpu.cfs_quota_us</c>/<c>cpu.cfs_period_us</c> and <c>cpuset.cpus</c>. The quota is
/// min(cpuset cores, CFS quota / period). The root directory and the <c>/proc/self/cgroup</c> file are parameters
/// so tests point them at fake trees.
/// </summary>
internal sealed class CgroupCpuStatReader : ICpuStatReader
{
    /// <summary>Where Linux mounts the cgroup hierarchy.</summary>
    public const string DefaultRoot = "/sys/fs/cgroup";

    /// <summary>The file that names this process's cgroup in each hierarchy.</summary>
    public const string DefaultProcSelfCgroup = "/proc/self/cgroup";

    private readonly bool _v2;
    private readonly string _usageFile;
    private readonly string[] _cpuDirs;
    private readonly string? _cpusetDir;
    private readonly int _processorCount;

    private CgroupCpuStatReader(bool v2, string usageFile, string[] cpuDirs, string? cpusetDir, int processorCount)
    {
        _v2 = v2;
        _usageFile = usageFile;
        _cpuDirs = cpuDirs;
        _cpusetDir = cpusetDir;
        _processorCount = processorCount;
    }

    /// <inheritdoc />
    public string Kind => _v2 ? "cgroup2" : "cgroup1";

    /// <summary>
    /// The reader for this machine: the cgroup reader when its files are readable, else the process fallback.
    /// </summary>
    public static ICpuStatReader Create(string root = DefaultRoot, string procSelfCgroup = DefaultProcSelfCgroup)
        => (ICpuStatReader?)TryCreate(root, procSelfCgroup, Environment.ProcessorCount) ?? new ProcessCpuStatReader();

    /// <summary>The cgroup reader over <paramref name="root"/>, or null when no usable cgroup tree is there.</summary>
    public static CgroupCpuStatReader? TryCreate(string root, string? procSelfCgroup, int processorCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var memberships = ReadMemberships(procSelfCgroup);
        CgroupCpuStatReader? reader;
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            // cgroup v2: one unified hierarchy; this process's group is the "0::/path" line.
            var path = memberships.TryGetValue(string.Empty, out var unified) ? unified.Path : null;
            var dir = FirstWith(root, path, "cpu.stat");
            reader = dir is null ? null : new CgroupCpuStatReader(true, Path.Combine(dir, "cpu.stat"), PathToMount(dir, root), dir, processorCount);
        }
        else
        {
            var acct = FindV1(root, memberships, "cpuacct", "cpuacct.usage");
            reader = acct is null
                ? null
                : new CgroupCpuStatReader(
                    false,
                    Path.Combine(acct.Value.Dir, "cpuacct.usage"),
                    FindV1(root, memberships, "cpu", "cpu.cfs_period_us") is { } cpu ? PathToMount(cpu.Dir, cpu.Mount) : [],
                    FindV1(root, memberships, "cpuset", "cpuset.cpus")?.Dir,
                    processorCount);
        }

        return reader is not null && reader.TryRead(out _) ? reader : null;
    }

    /// <inheritdoc />
    public bool TryRead(out CpuStat stat)
    {
        stat = default;
        var usage = ReadText(_usageFile);
        if (usage is null)
        {
            return false;
        }

        long? nanoseconds = _v2 ? ParseCpuStatUsageMicroseconds(usage) * 1000 : ParseLong(usage);
        if (nanoseconds is not { } ns || ns < 0)
        {
            return false;
        }

        stat = new CpuStat(ns, Quota());
        return true;
    }

    /// <summary>
    /// The quota in cores: min(cpuset cores, the tightest CFS quota / period on the path from this process's group up to
    /// the hierarchy's root); the processor count when none is set. A parent's limit binds its children, and systemd
    /// slices and Kubernetes pods set it on the parent while the leaf says <c>max</c>.
    /// </summary>
    public double Quota()
    {
        double quota = _processorCount;
        if (_cpusetDir is not null
            && ParseCpusetCount(ReadText(Path.Combine(_cpusetDir, _v2 ? "cpuset.cpus.effective" : "cpuset.cpus"))) is { } cores
            && cores > 0)
        {
            quota = cores;
        }

        foreach (var dir in _cpuDirs)
        {
            var limit = _v2
                ? ParseCpuMax(ReadText(Path.Combine(dir, "cpu.max")))
                : ParseCfs(ReadText(Path.Combine(dir, "cpu.cfs_quota_us")), ReadText(Path.Combine(dir, "cpu.cfs_period_us")));
            if (limit is { } l && l > 0 && l < quota)
            {
                quota = l;
            }
        }

        return quota;
    }

    /// <summary><paramref name="dir"/> and each parent up to <paramref name="mount"/> (inclusive); just <paramref name="dir"/> when it is not under it.</summary>
    internal static string[] PathToMount(string dir, string mount)
    {
        var chain = new List<string> { dir };
        var top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mount));
        var current = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        if (!current.StartsWith(top, StringComparison.Ordinal))
        {
            return [.. chain];
        }

        while (current.Length > top.Length && Path.GetDirectoryName(current) is { } parent)
        {
            chain.Add(parent);
            current = parent;
        }

        return [.. chain];
    }

    /// <summary>Parses <c>usage_usec N</c> out of a v2 <c>cpu.stat</c> file.</summary>
    public static long? ParseCpuStatUsageMicroseconds(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == "usage_usec")
            {
                return ParseLong(parts[1]);
            }
        }

        return null;
    }

    /// <summary>Parses a v2 <c>cpu.max</c> file (<c>"max 100000"</c> or <c>"50000 100000"</c>) into cores; null means no limit.</summary>
    public static double? ParseCpuMax(string? text)
    {
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 } || parts[0] == "max")
        {
            return null;
        }

        return Ratio(ParseLong(parts[0]), ParseLong(parts[1]));
    }

    /// <summary>Parses v1 <c>cpu.cfs_quota_us</c> and <c>cpu.cfs_period_us</c> into cores; null means no limit (quota -1).</summary>
    public static double? ParseCfs(string? quota, string? period) => Ratio(ParseLong(quota), ParseLong(period));

    /// <summary>Counts the CPUs of a cpuset list such as <c>0-3,8,10-11</c>; null when malformed or empty.</summary>
    public static int? ParseCpusetCount(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var count = 0;
        foreach (var range in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!int.TryParse(range, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return null;
                }

                count++;
            }
            else if (int.TryParse(range.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                     && int.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hi)
                     && hi >= lo)
            {
                count += hi - lo + 1;
            }
            else
            {
                return null;
            }
        }

        return count == 0 ? null : count;
    }

    private static double? Ratio(long? quota, long? period)
        => quota is { } q && q > 0 && period is { } p && p > 0 ? (double)q / p : null;

    private static long? ParseLong(string? text)
        => long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // /proc/self/cgroup lines are "id:controllers:path"; v2's line has empty controllers. Keyed by each controller.
    private static Dictionary<string, (string Field, string Path)> ReadMemberships(string? procSelfCgroup)
    {
        var result = new Dictionary<string, (string Field, string Path)>(StringComparer.Ordinal);
        var text = procSelfCgroup is null ? null : ReadText(procSelfCgroup);
        if (text is null)
        {
            return result;
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            result.TryAdd(parts[1], (parts[1], parts[2]));
            foreach (var controller in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                result.TryAdd(controller, (parts[1], parts[2]));
            }
        }

        return result;
    }

    // The group's directory in the controller's hierarchy and that hierarchy's mount directory.
    private static (string Dir, string Mount)? FindV1(string root, Dictionary<string, (string Field, string Path)> memberships, string controller, string file)
    {
        var mounts = memberships.TryGetValue(controller, out var m)
            ? [Path.Combine(root, m.Field), Path.Combine(root, controller)] // inside a container the hierarchy is mounted at the group itself
            : new[] { Path.Combine(root, controller), Path.Combine(root, "cpu,cpuacct") };
        foreach (var mount in mounts)
        {
            if (FirstWith(mount, m.Path, file) is { } dir)
            {
                return (dir, mount);
            }
        }

        return null;
    }

    private static string? FirstWith(string baseDir, string? groupPath, string file)
    {
        if (!string.IsNullOrEmpty(groupPath) && groupPath != "/")
        {
            var dir = Path.Join(baseDir, groupPath.TrimStart('/'));
            if (File.Exists(Path.Combine(dir, file)))
            {
                return dir;
            }
        }

        return File.Exists(Path.Combine(baseDir, file)) ? baseDir : null;
    }
}
