namespace RedBook.Templates.Tests;

/// <summary>
/// Packs the template once, installs it into a private template hive (never the user's template cache)
/// and creates one solution from it with <c>dotnet new redbook -n Contoso</c>. The build of that
/// solution runs at most once, on first request. Everything lives in one temp folder, deleted afterwards.
/// </summary>
public sealed class TemplatePackageFixture : IAsyncLifetime
{
    /// <summary>The name passed to <c>dotnet new redbook -n</c>.</summary>
    public const string ProjectName = "Contoso";

    private static readonly TimeSpan s_cliTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(25);
    private readonly Lazy<Task<CliResult>> _build;

    public TemplatePackageFixture()
    {
        RepoRoot = FindRepoRoot();
        WorkRoot = Path.Combine(Path.GetTempPath(), "redbook-templates-" + Guid.NewGuid().ToString("N")[..12]);
        OutputDirectory = Path.Combine(WorkRoot, ProjectName);
        _build = new Lazy<Task<CliResult>>(BuildSolutionCoreAsync);
    }

    /// <summary>The repository that holds templates/RedBook.Templates.csproj.</summary>
    public string RepoRoot { get; }

    /// <summary>The temp folder of this run.</summary>
    public string WorkRoot { get; }

    /// <summary>Where <c>dotnet new redbook</c> wrote the solution.</summary>
    public string OutputDirectory { get; }

    /// <summary>The packed template package.</summary>
    public string PackagePath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkRoot);
        var packages = Path.Combine(WorkRoot, "packages");
        var hive = Path.Combine(WorkRoot, "hive");

        var pack = await DotnetCli.RunAsync(RepoRoot, s_cliTimeout,
            "pack", Path.Combine(RepoRoot, "templates", "RedBook.Templates.csproj"), "-c", "Release", "-o", packages, "-nodeReuse:false");
        Require(pack);
        PackagePath = Directory.GetFiles(packages, "RedBook.Templates.*.nupkg").Single();

        Require(await DotnetCli.RunAsync(WorkRoot, s_cliTimeout,
            "new", "install", PackagePath, "--debug:custom-hive", hive));
        Require(await DotnetCli.RunAsync(WorkRoot, s_cliTimeout,
            "new", "redbook", "-n", ProjectName, "-o", OutputDirectory, "--no-restore", "--no-update-check", "--debug:custom-hive", hive));
    }

    /// <summary>Builds the generated solution with warnings as errors (once per run).</summary>
    public Task<CliResult> BuildSolutionAsync() => _build.Value;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkRoot, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file open for a moment; the OS cleans the temp folder later.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }

    private Task<CliResult> BuildSolutionCoreAsync()
    {
        var solution = Path.Combine(OutputDirectory, ProjectName + ".sln");
        // One MSBuild node: the other test assemblies run beside this one, and a 2-core machine is shared.
        return DotnetCli.RunAsync(OutputDirectory, s_buildTimeout, "build", solution, "-warnaserror", "-nodeReuse:false", "-maxcpucount:1");
    }

    private static void Require(CliResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "templates", "RedBook.Templates.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No templates/RedBook.Templates.csproj above {AppContext.BaseDirectory}.");
    }
}
