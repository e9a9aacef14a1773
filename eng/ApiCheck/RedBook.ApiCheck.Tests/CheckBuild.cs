using System.Diagnostics;
using System.Text;

namespace RedBook.ApiCheck.Tests;

/// <summary>The outcome of one <c>dotnet build</c> of a check project.</summary>
internal sealed record CheckBuildResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs <c>dotnet build</c> on a check project under <c>eng/ApiCheck</c>, optionally with extra
/// source files, into a scratch output folder so that the tests never disturb the check's own
/// outputs. Only the check project itself is compiled: its references (facades, offline projects)
/// were built once by <see cref="CheckBuildFixture"/>.
/// </summary>
internal static class CheckBuild
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(10);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CheckProject(string name) =>
        Path.Combine(RepoRoot, "eng", "ApiCheck", name, name + ".ApiCheck.csproj");

    public static CheckBuildResult Build(string checkProject, string scratchDir, params string[] extraSources)
    {
        var args = new List<string>
        {
            "build", checkProject,
            "--no-restore", "-nologo", "-nodeReuse:false", "-warnaserror", "-v:q", "-clp:NoSummary",
            "-p:BuildProjectReferences=false",
            "-p:ApiCheckScratchDir=" + EnsureTrailingSlash(scratchDir),
        };
        if (extraSources.Length > 0)
        {
            args.Add("-p:ApiCheckExtraSources=" + string.Join("%3B", extraSources));
        }

        return Run(args);
    }

    public static CheckBuildResult Run(IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // The test host runs under 'dotnet test'; don't let its MSBuild settings leak into the child build.
        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet");
        var output = new StringBuilder();
        var outputLock = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (outputLock) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (outputLock) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(s_buildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {s_buildTimeout}.");
        }

        process.WaitForExit();
        lock (outputLock)
        {
            return new CheckBuildResult(process.ExitCode, output.ToString());
        }
    }

    private static string EnsureTrailingSlash(string path) =>
        path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RedBookAspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RedBookAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
