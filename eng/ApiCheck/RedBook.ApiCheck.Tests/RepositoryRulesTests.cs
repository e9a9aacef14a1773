using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RedBook.ApiCheck.Tests;

/// <summary>
/// The rules that keep the API check honest as the repository grows: every online project is
/// checked, every facade says which package version it mirrors and that version is the one the
/// product pins, and no shipped project references a facade.
/// </summary>
public sealed partial class RepositoryRulesTests
{
    private static readonly string s_root = CheckBuild.RepoRoot;

    [Fact]
    public void OnlineProjects_EachHasACheckProjectInTheCheckSolution()
    {
        var offline = OfflineProjects();
        var online = SolutionProjects(Path.Combine(s_root, "RedBookAspire.sln")).Where(p => !offline.Contains(p)).ToList();
        var checkSolution = SolutionProjects(Path.Combine(s_root, "eng", "ApiCheck", "ApiCheck.sln"));

        Assert.NotEmpty(online);
        foreach (var project in online)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var check = Path.Combine(s_root, "eng", "ApiCheck", name, name + ".ApiCheck.csproj");
            Assert.True(File.Exists(check), $"online project {project} has no check project {check}");
            Assert.True(checkSolution.Contains(check), $"{check} is not in eng/ApiCheck/ApiCheck.sln");
            Assert.Contains(name + "/" + name + ".csproj", File.ReadAllText(check).Replace('\\', '/'), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FacadeFiles_NameThePinnedPackageVersionAndTheirAssembly()
    {
        var pins = ProductPackagePins(out var properties);
        var files = Directory.EnumerateFiles(Path.Combine(s_root, "eng", "facades"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var header = FacadeHeader().Match(File.ReadLines(file).First());
            Assert.True(header.Success, $"{file} does not start with '// Facade of NuGet package <Id> <Version>, assembly <Name>'");

            var package = header.Groups["package"].Value;
            var folder = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.Equal(folder, header.Groups["assembly"].Value);

            var expected = pins.TryGetValue(package, out var pinned) ? pinned : FamilyVersion(package, properties);
            Assert.True(expected is not null, $"{file}: package {package} is neither pinned in Directory.Packages.props nor in a pinned family");
            Assert.True(expected == header.Groups["version"].Value,
                $"{file} mirrors {package} {header.Groups["version"].Value}, but the product pins {expected}: re-read the package's source at the pinned version and update the facade");
        }
    }

    [Fact]
    public void ProductProjects_NeverReferenceFacades()
    {
        var projects = Directory.EnumerateFiles(s_root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(p) && !Path.GetRelativePath(s_root, p).StartsWith("eng", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var references = XDocument.Load(project).Descendants()
                .Where(e => e.Name.LocalName is "ProjectReference" or "Reference" or "Import")
                .Select(e => (string?)e.Attribute("Include") ?? (string?)e.Attribute("Project") ?? "");
            Assert.DoesNotContain(references, r => r.Contains("facades", StringComparison.OrdinalIgnoreCase) || r.Contains("FacadesDir", StringComparison.Ordinal));
        }
    }

    private static HashSet<string> OfflineProjects()
    {
        var filter = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(s_root, "RedBookAspire.Offline.slnf")));
        return filter.RootElement.GetProperty("solution").GetProperty("projects").EnumerateArray()
            .Select(p => FullPath(s_root, p.GetString()!))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> SolutionProjects(string solution)
    {
        var dir = Path.GetDirectoryName(solution)!;
        return File.ReadLines(solution)
            .Select(l => SolutionProjectLine().Match(l))
            .Where(m => m.Success)
            .Select(m => FullPath(dir, m.Groups["path"].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static Dictionary<string, string> ProductPackagePins(out Dictionary<string, string> properties)
    {
        var doc = XDocument.Load(Path.Combine(s_root, "Directory.Packages.props"));
        properties = doc.Descendants("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.Ordinal);
        var props = properties;
        return doc.Descendants("PackageVersion").ToDictionary(
            e => (string)e.Attribute("Include")!,
            e => MsBuildProperty().Replace((string)e.Attribute("Version")!, m => props[m.Groups["name"].Value]),
            StringComparer.Ordinal);
    }

    // Packages the product gets as dependencies of a pinned one ship with the same version as their family.
    private static string? FamilyVersion(string package, Dictionary<string, string> properties) =>
        package.StartsWith("Aspire.", StringComparison.Ordinal) ? properties.GetValueOrDefault("AspireVersion")
        : package.StartsWith("Grpc.", StringComparison.Ordinal) ? properties.GetValueOrDefault("GrpcVersion")
        : null;

    private static string FullPath(string baseDir, string relative) =>
        Path.GetFullPath(Path.Combine(baseDir, relative.Replace('\\', Path.DirectorySeparatorChar)));

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex(@"^// Facade of NuGet package (?<package>[\w.]+) (?<version>[\w.-]+), assembly (?<assembly>[\w]+(\.[\w]+)*)")]
    private static partial Regex FacadeHeader();

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]*"", ""(?<path>[^""]+\.csproj)""")]
    private static partial Regex SolutionProjectLine();

    [GeneratedRegex(@"\$\((?<name>\w+)\)")]
    private static partial Regex MsBuildProperty();
}
