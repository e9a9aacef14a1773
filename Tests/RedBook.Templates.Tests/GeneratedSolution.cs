namespace RedBook.Templates.Tests;

/// <summary>One solution created from the template: its files, its build and its unit-test runs.</summary>
public sealed class GeneratedSolution
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(25);
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The deterministic unit tests the generated solution carries, with the filter that keeps out the tests that
    /// start servers (Kestrel, redis-server, etcd, the AppHost): the ServiceDefaults unit tests whole, the cores and
    /// domain of the application tests, the BFF's composition and degrade tests.
    /// </summary>
    private static readonly (string Project, string? Filter)[] s_unitTests =
    [
        ("Tests/Contoso.ServiceDefaults.Tests/Contoso.ServiceDefaults.Tests.csproj", null),
        ("Tests/Contoso.Application.Tests/Contoso.Application.Tests.csproj", "FullyQualifiedName~.Application.Tests.Domain.|FullyQualifiedName~.Feed.Core.|FullyQualifiedName~.Mall.Core."),
        ("Tests/Contoso.Bff.Tests/Contoso.Bff.Tests.csproj", "FullyQualifiedName~.Bff.Tests.Core."),
    ];

    private readonly Timings _timings;
    private readonly Lazy<Task<CliResult>> _build;
    private readonly Lazy<Task<IReadOnlyList<CliResult>>> _unitTests;

    public GeneratedSolution(string name, string outputDirectory, CliResult created, Timings timings)
    {
        Name = name;
        OutputDirectory = outputDirectory;
        Created = created;
        _timings = timings;
        _build = new Lazy<Task<CliResult>>(BuildCoreAsync);
        _unitTests = new Lazy<Task<IReadOnlyList<CliResult>>>(RunUnitTestsCoreAsync);
    }

    /// <summary>The combination's name (its folder under the run's temp folder).</summary>
    public string Name { get; }

    /// <summary>Where <c>dotnet new redbook</c> wrote the solution.</summary>
    public string OutputDirectory { get; }

    /// <summary>What <c>dotnet new</c> printed (with the restore post action, when it ran).</summary>
    public CliResult Created { get; }

    /// <summary>The solution file.</summary>
    public string SolutionPath => Path.Combine(OutputDirectory, TemplateFixture.ProjectName + ".sln");

    /// <summary>Every generated file, relative with '/' separators, without build output.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(OutputDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(OutputDirectory, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .ToList();

    /// <summary>The text of a generated file.</summary>
    public string Read(string relativePath) => File.ReadAllText(Path.Combine(OutputDirectory, relativePath));

    /// <summary>True when the generated file or folder exists.</summary>
    public bool Exists(string relativePath)
    {
        var path = Path.Combine(OutputDirectory, relativePath);
        return File.Exists(path) || Directory.Exists(path);
    }

    /// <summary>Builds the solution with warnings as errors and one MSBuild node (once per run).</summary>
    public Task<CliResult> BuildAsync() => _build.Value;

    /// <summary>Builds, then runs the deterministic unit tests (once per run); one result per test project.</summary>
    public Task<IReadOnlyList<CliResult>> RunUnitTestsAsync() => _unitTests.Value;

    private Task<CliResult> BuildCoreAsync() =>
        _timings.MeasureAsync($"build ({Name})", () => DotnetCli.RunAsync(
            OutputDirectory, s_buildTimeout, "build", SolutionPath, "-warnaserror", "-nodeReuse:false", "-maxcpucount:1"));

    private async Task<IReadOnlyList<CliResult>> RunUnitTestsCoreAsync()
    {
        var build = await BuildAsync();
        TemplateFixture.Require(build);
        var results = new List<CliResult>();
        foreach (var (project, filter) in s_unitTests)
        {
            string[] arguments = ["test", Path.Combine(OutputDirectory, project), "--no-build", "--nologo"];
            if (filter is not null)
            {
                arguments = [.. arguments, "--filter", filter];
            }

            results.Add(await _timings.MeasureAsync($"test ({Name}, {Path.GetFileNameWithoutExtension(project)})", () => DotnetCli.RunAsync(OutputDirectory, s_testTimeout, arguments)));
        }

        return results;
    }
}
