using System.Text.Json;
using System.Text.RegularExpressions;

namespace RedBook.Templates.Tests;

/// <summary>The template package itself: what it holds and what its template.json declares.</summary>
[Collection(TemplateCollection.Name)]
public sealed partial class PackageTests(TemplateFixture fixture)
{
    private const string ProjectType = "FAE04EC0-301F-11D3-BF4B-00C04F79EFBC";
    private const string AppHostProjectType = "FAE04EC0-301F-11D3-BF4B-00C04F79EFA3";
    private const string SolutionFolderType = "2150E333-8FDC-42A3-9474-1A3956D46DE8";

    [Fact]
    public void Pack_TemplatePackage_HoldsNoEngCiTemplatesResultsOrBuildOutput()
    {
        var paths = fixture.PackageContent.Keys.ToList();

        Assert.Contains("AppHost/RedBook.AppHost/RedBook.AppHost.csproj", paths);
        Assert.Contains("ServiceDefaults/RedBook.ServiceDefaults/RedBook.ServiceDefaults.csproj", paths);
        Assert.Contains("RedBookAspire.sln", paths);
        Assert.Contains(".config/dotnet-tools.json", paths);
        Assert.Contains("Tests/RedBook.LoadLab/RedBook.LoadLab.csproj", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("eng/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith(".ci/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("templates/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("Tests/RedBook.Templates.Tests/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("Tests/RedBook.Benchmarks/results/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("Tests/RedBook.LoadLab/results/", StringComparison.Ordinal));
        Assert.DoesNotContain("docs/template.md", paths);
        Assert.DoesNotContain(paths, p => p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p == ".git" || p.StartsWith(".git/", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_TemplateJson_DeclaresRedbookShortNameIdentityRestoreAndOptions()
    {
        using var json = JsonDocument.Parse(fixture.PackageContent[".template.config/template.json"]);
        var root = json.RootElement;
        var symbols = root.GetProperty("symbols");

        Assert.Equal("redbook", root.GetProperty("shortName").GetString());
        Assert.Equal("RedBook.Aspire.CSharp", root.GetProperty("identity").GetString());
        Assert.Contains(root.GetProperty("postActions").EnumerateArray(),
            a => a.GetProperty("actionId").GetString() == "210D431B-A78B-4D2F-B762-4ED3E3EA9025");
        Assert.Equal("true", symbols.GetProperty("IncludeMall").GetProperty("defaultValue").GetString());
        Assert.Equal("true", symbols.GetProperty("IncludeTests").GetProperty("defaultValue").GetString());
        Assert.Equal("Auto", symbols.GetProperty("RunMode").GetProperty("defaultValue").GetString());
        Assert.Equal(["Auto", "Container", "Local"], symbols.GetProperty("RunMode").GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("choice").GetString()));
    }

    [Fact]
    public void Pack_Guids_ListEveryProjectAndFolderOfThePackedSolution()
    {
        // A GUID the list misses stays the same in every generated solution.
        using var json = JsonDocument.Parse(fixture.PackageContent[".template.config/template.json"]);
        var listed = json.RootElement.GetProperty("guids").EnumerateArray().Select(g => g.GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var projects = SolutionProject().Matches(fixture.PackageContent["RedBookAspire.sln"]).ToList();

        Assert.True(projects.Count >= 20, $"{projects.Count} projects in the packed solution");
        Assert.All(projects, p => Assert.True(listed.Contains(p.Groups["guid"].Value), $"{p.Groups["path"].Value}: {p.Groups["guid"].Value} is not in template.json's guids"));
        Assert.DoesNotContain(ProjectType, listed);
        Assert.DoesNotContain(AppHostProjectType, listed);
        Assert.DoesNotContain(SolutionFolderType, listed);
        Assert.Contains(UserSecretsIdElement().Match(fixture.PackageContent["AppHost/RedBook.AppHost/RedBook.AppHost.csproj"]).Groups[1].Value, listed);
    }

    [Fact]
    public void Pack_Solution_WrapsMallAndTestProjectsInTheirOptions()
    {
        var sln = fixture.PackageContent["RedBookAspire.sln"];
        var conditions = new Stack<string>();
        foreach (var line in sln.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("#if (", StringComparison.Ordinal))
            {
                conditions.Push(line);
            }
            else if (line == "#endif")
            {
                conditions.Pop();
            }
            else if (SolutionProject().Match(line) is { Success: true } project)
            {
                var path = project.Groups["path"].Value.Replace('\\', '/');
                var expected = path.StartsWith("Services/Mall/", StringComparison.Ordinal) || path == "Mall" ? "#if (IncludeMall)"
                    : path.StartsWith("Tests/", StringComparison.Ordinal) || path == "Tests" ? "#if (IncludeTests)"
                    : null;
                Assert.True(expected == (conditions.Count == 0 ? null : conditions.Peek()), $"{path} is under '{(conditions.Count == 0 ? "no condition" : conditions.Peek())}'");
            }
        }

        Assert.Empty(conditions);
    }

    [Fact]
    public void Pack_PortTokens_AppearOnlyInTheirProjectsLaunchSettings()
    {
        // The port generators replace these numbers wherever they occur, so they must occur nowhere else.
        var launchSettings = 0;
        foreach (var (path, text) in fixture.PackageContent)
        {
            if (path.StartsWith(".template.config/", StringComparison.Ordinal))
            {
                continue;
            }

            var isLaunchSettings = path.EndsWith("Properties/launchSettings.json", StringComparison.Ordinal);
            launchSettings += isLaunchSettings ? 1 : 0;
            foreach (var (project, token, _, _) in Ports.All)
            {
                var own = isLaunchSettings && path == project + "Properties/launchSettings.json";
                Assert.True(own == text.Contains(token, StringComparison.Ordinal), $"{path}: port token {token} (of {project}) present = {!own}");
            }
        }

        Assert.Equal(Ports.All.Select(p => p.Project).Distinct().Count(), launchSettings);
    }

    [GeneratedRegex(@"^Project\(""\{(?<type>[^}]+)\}""\)\s*=\s*""[^""]*"",\s*""(?<path>[^""]+)"",\s*""\{(?<guid>[^}]+)\}""", RegexOptions.Multiline)]
    internal static partial Regex SolutionProject();

    [GeneratedRegex(@"<UserSecretsId>([^<]+)</UserSecretsId>")]
    internal static partial Regex UserSecretsIdElement();
}

/// <summary>The launchSettings port tokens, the project whose launchSettings hold them, and the generator's range.</summary>
internal static class Ports
{
    public static readonly (string Project, string Token, int Low, int High)[] All =
    [
        ("AppHost/RedBook.AppHost/", "17463", 17000, 17300),
        ("AppHost/RedBook.AppHost/", "15463", 15000, 15300),
        ("AppHost/RedBook.AppHost/", "21463", 21000, 21300),
        ("AppHost/RedBook.AppHost/", "19463", 19000, 19300),
        ("AppHost/RedBook.AppHost/", "22463", 22000, 22300),
        ("AppHost/RedBook.AppHost/", "20463", 20000, 20300),
        ("Bff/RedBook.Bff/", "5163", 5000, 5300),
        ("Bff/RedBook.Bff/", "7163", 7000, 7300),
        ("Services/Feed/RedBook.Feed.Api/", "5363", 5301, 5600),
        ("Services/Feed/RedBook.Feed.Api/", "7363", 7301, 7600),
        ("Services/Mall/RedBook.Mall.Api/", "5663", 5601, 5900),
        ("Services/Mall/RedBook.Mall.Api/", "7663", 7601, 7900),
    ];
}
