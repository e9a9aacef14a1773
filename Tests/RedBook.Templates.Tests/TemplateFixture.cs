using System.Diagnostics;
using System.IO.Compression;

namespace RedBook.Templates.Tests;

/// <summary>
/// Packs the template once, installs it into a private template hive (never the user's template cache) and creates
/// one solution per option combination with <c>dotnet new redbook -n Contoso</c>. Each solution is built, and its
/// unit tests run, at most once, on first request. Everything lives in one temp folder, deleted afterwards.
/// </summary>
public sealed class TemplateFixture : IAsyncLifetime
{
    /// <summary>The name passed to <c>dotnet new redbook -n</c>.</summary>
    public const string ProjectName = "Contoso";

    private const string ContentRoot = "content/redbook/";
    private static readonly TimeSpan s_cliTimeout = TimeSpan.FromMinutes(10);

    public TemplateFixture()
    {
        RepoRoot = FindRepoRoot();
        WorkRoot = Path.Combine(Path.GetTempPath(), "redbook-templates-" + Guid.NewGuid().ToString("N")[..12]);
        Hive = Path.Combine(WorkRoot, "hive");
    }

    /// <summary>The repository that holds templates/RedBook.Templates.csproj.</summary>
    public string RepoRoot { get; }

    /// <summary>The temp folder of this run.</summary>
    public string WorkRoot { get; }

    /// <summary>The private template hive.</summary>
    public string Hive { get; }

    /// <summary>The packed template package.</summary>
    public string PackagePath { get; private set; } = "";

    /// <summary>The package's template content, by path under <c>content/redbook/</c>.</summary>
    public IReadOnlyDictionary<string, string> PackageContent { get; private set; } = new Dictionary<string, string>();

    /// <summary>The default options, with the restore post action (the clean run a user gets).</summary>
    public GeneratedSolution Default { get; private set; } = null!;

    /// <summary><c>--IncludeMall false</c>.</summary>
    public GeneratedSolution NoMall { get; private set; } = null!;

    /// <summary><c>--IncludeTests false --RunMode Container</c>.</summary>
    public GeneratedSolution NoTestsContainer { get; private set; } = null!;

    /// <summary><c>--RunMode Local</c>; created, never built (the option changes one setting).</summary>
    public GeneratedSolution Local { get; private set; } = null!;

    /// <summary>Every combination, by name.</summary>
    public IReadOnlyDictionary<string, GeneratedSolution> All { get; private set; } = new Dictionary<string, GeneratedSolution>();

    /// <summary>How long each step took (pack, each <c>dotnet new</c>, builds, test runs), for the test output.</summary>
    public Timings Timings { get; } = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkRoot);
        var packages = Path.Combine(WorkRoot, "packages");

        Require(await Timings.MeasureAsync("pack", () => DotnetCli.RunAsync(RepoRoot, s_cliTimeout,
            "pack", Path.Combine(RepoRoot, "templates", "RedBook.Templates.csproj"), "-c", "Release", "-o", packages, "-nodeReuse:false")));
        PackagePath = Directory.GetFiles(packages, "RedBook.Templates.*.nupkg").Single();
        PackageContent = ReadPackageContent(PackagePath);

        Require(await DotnetCli.RunAsync(WorkRoot, s_cliTimeout, "new", "install", PackagePath, "--debug:custom-hive", Hive));

        Default = await CreateAsync("default", restore: true);
        NoMall = await CreateAsync("no-mall", restore: false, "--IncludeMall", "false");
        NoTestsContainer = await CreateAsync("no-tests-container", restore: false, "--IncludeTests", "false", "--RunMode", "Container");
        Local = await CreateAsync("local", restore: false, "--RunMode", "Local");
        All = new[] { Default, NoMall, NoTestsContainer, Local }.ToDictionary(s => s.Name);
    }

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

    private async Task<GeneratedSolution> CreateAsync(string name, bool restore, params string[] options)
    {
        var output = Path.Combine(WorkRoot, name, ProjectName);
        string[] arguments = ["new", "redbook", "-n", ProjectName, "-o", output, "--no-update-check", "--debug:custom-hive", Hive, .. options];
        if (!restore)
        {
            arguments = [.. arguments, "--no-restore"];
        }

        var result = await Timings.MeasureAsync($"new ({name})", () => DotnetCli.RunAsync(WorkRoot, s_cliTimeout, arguments));
        Require(result);
        return new GeneratedSolution(name, output, result, Timings);
    }

    private static Dictionary<string, string> ReadPackageContent(string packagePath)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        var content = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(ContentRoot, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            content[entry.FullName[ContentRoot.Length..]] = reader.ReadToEnd();
        }

        return content;
    }

    internal static void Require(CliResult result)
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

/// <summary>The wall-clock time of each step, reported by the tests that wait for them.</summary>
public sealed class Timings
{
    private readonly List<(string Step, TimeSpan Elapsed)> _steps = [];

    public async Task<CliResult> MeasureAsync(string step, Func<Task<CliResult>> run)
    {
        var watch = Stopwatch.StartNew();
        var result = await run();
        lock (_steps)
        {
            _steps.Add((step, watch.Elapsed));
        }

        return result;
    }

    public override string ToString()
    {
        lock (_steps)
        {
            return string.Join(Environment.NewLine, _steps.Select(s => $"{s.Step}: {s.Elapsed:mm\\:ss}"));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TemplateCollection : ICollectionFixture<TemplateFixture>
{
    /// <summary>
    /// One collection: the solutions build one after another, each with one MSBuild node, because the other test
    /// assemblies run beside this one and a 2-core machine is shared.
    /// </summary>
    public const string Name = "template";
}
