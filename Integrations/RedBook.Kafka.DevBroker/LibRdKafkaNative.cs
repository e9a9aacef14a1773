using System.Runtime.InteropServices;

namespace RedBook.Kafka.DevBroker;

/// <summary>
/// Finds and loads librdkafka's native library for the mock-cluster P/Invokes: the copy librdkafka.redist puts
/// in the build output (<c>runtimes/&lt;rid&gt;/native</c>), else the restored NuGet package, else a path named by
/// <c>REDBOOK_LIBRDKAFKA_PATH</c>.
/// </summary>
/// <remarks>
/// On glibc Linux x64 the generic <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, which Debian 12 lacks (it has
/// <c>.so.2</c>); the package's <c>centos8-librdkafka.so</c> beside it loads there, so both are tried in turn.
/// On musl (Alpine) the <c>alpine-librdkafka.so</c> build is tried first.
/// </remarks>
public static class LibRdKafkaNative
{
    /// <summary>The environment variable that names the native library file to load, ahead of every other candidate.</summary>
    public const string PathVariable = "REDBOOK_LIBRDKAFKA_PATH";

    internal const string LibraryName = "librdkafka";

    /// <summary>The librdkafka.redist version this project restores; the NuGet cache is searched for it.</summary>
    private const string RedistVersion = "2.16.0";

    private static readonly Lazy<(nint Handle, string Path)> s_library = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    static LibRdKafkaNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaNative).Assembly, static (name, _, _) =>
            name == LibraryName ? s_library.Value.Handle : 0);
    }

    /// <summary>The full path of the native library that was loaded (loads it on first use).</summary>
    /// <exception cref="DllNotFoundException">No candidate loads; the message lists each path tried and why it failed.</exception>
    public static string LoadedPath => s_library.Value.Path;

    /// <summary>Makes sure the resolver is registered and the library is loaded.</summary>
    internal static void EnsureLoaded() => _ = s_library.Value;

    /// <summary>The candidate files, most specific first, for this OS and architecture.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
        {
            candidates.Add(explicitPath);
        }

        var (rid, fileNames) = PlatformFiles();
        var baseDirectory = AppContext.BaseDirectory;
        var assemblyDirectory = Path.GetDirectoryName(typeof(LibRdKafkaNative).Assembly.Location);
        var directories = new List<string>
        {
            Path.Combine(baseDirectory, "runtimes", rid, "native"),
            baseDirectory,
        };
        if (!string.IsNullOrEmpty(assemblyDirectory) && assemblyDirectory != baseDirectory.TrimEnd(Path.DirectorySeparatorChar))
        {
            directories.Add(Path.Combine(assemblyDirectory, "runtimes", rid, "native"));
        }

        if (OperatingSystem.IsWindows())
        {
            // librdkafka.redist's build/*.props copies the Windows DLLs to librdkafka\x64 (or x86) in the output.
            directories.Add(Path.Combine(baseDirectory, "librdkafka", RuntimeInformation.ProcessArchitecture == Architecture.X86 ? "x86" : "x64"));
        }

        directories.Add(Path.Combine(NuGetPackagesRoot(), "librdkafka.redist", RedistVersion, "runtimes", rid, "native"));

        foreach (var directory in directories)
        {
            foreach (var fileName in fileNames)
            {
                candidates.Add(Path.Combine(directory, fileName));
            }
        }

        return candidates;
    }

    private static (nint Handle, string Path) Load()
    {
        var failures = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                return (NativeLibrary.Load(candidate), candidate);
            }
            catch (DllNotFoundException e)
            {
                failures.Add($"{candidate}: {e.Message}");
            }
            catch (BadImageFormatException e)
            {
                failures.Add($"{candidate}: {e.Message}");
            }
        }

        var (rid, fileNames) = PlatformFiles();
        throw new DllNotFoundException(
            $"librdkafka's native library could not be loaded for {rid} ({RuntimeInformation.OSDescription}). " +
            (failures.Count == 0
                ? $"No file named {string.Join(" or ", fileNames)} was found in the output's runtimes/{rid}/native folder or in the librdkafka.redist {RedistVersion} NuGet package. Restore the project (dotnet restore) or set {PathVariable} to the library's path."
                : $"Every candidate failed to load (a missing system dependency, such as libsasl2, is the usual cause): {string.Join("; ", failures)}. Set {PathVariable} to a build that loads here."));
    }

    private static (string Rid, string[] FileNames) PlatformFiles()
    {
        var architecture = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.S390x => "s390x",
            var other => other.ToString().ToLowerInvariant(),
        };

        if (OperatingSystem.IsWindows())
        {
            return ($"win-{architecture}", ["librdkafka.dll"]);
        }

        if (OperatingSystem.IsMacOS())
        {
            return ($"osx-{architecture}", ["librdkafka.dylib"]);
        }

        return IsMusl()
            ? ($"linux-{architecture}", ["alpine-librdkafka.so", "librdkafka.so"])
            : ($"linux-{architecture}", ["librdkafka.so", "centos8-librdkafka.so"]);
    }

    private static bool IsMusl() =>
        OperatingSystem.IsLinux() && Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any();

    private static string NuGetPackagesRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
