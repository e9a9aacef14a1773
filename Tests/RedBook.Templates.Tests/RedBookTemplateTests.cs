using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RedBook.Templates.Tests;

public partial class RedBookTemplateTests : IClassFixture<TemplatePackageFixture>
{
    private const string ContentRoot = "content/redbook/";
    private const string SolutionFolderType = "2150E333-8FDC-42A3-9474-1A3956D46DE8";

    // The launchSettings port tokens, the project folder whose launchSettings hold them, and the range the template's
    // port generator draws from.
    private static readonly (string Project, string Token, int Low, int High)[] s_ports =
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

    private readonly TemplatePackageFixture _fixture;

    public RedBookTemplateTests(TemplatePackageFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Pack_TemplatePackage_HoldsNoEngCiTemplatesOrBuildOutput()
    {
        var paths = PackageContent().Keys.ToList();

        Assert.Contains("AppHost/RedBook.AppHost/RedBook.AppHost.csproj", paths);
        Assert.Contains("ServiceDefaults/RedBook.ServiceDefaults/RedBook.ServiceDefaults.csproj", paths);
        Assert.Contains("RedBookAspire.sln", paths);
        Assert.Contains(".config/dotnet-tools.json", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("eng/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith(".ci/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("templates/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("Tests/RedBook.Templates.Tests/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p == ".git" || p.StartsWith(".git/", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_TemplateJson_DeclaresRedbookShortNameIdentityAndRestore()
    {
        using var json = JsonDocument.Parse(PackageContent()[".template.config/template.json"]);
        var root = json.RootElement;

        Assert.Equal("redbook", root.GetProperty("shortName").GetString());
        Assert.Equal("RedBook.Aspire.CSharp", root.GetProperty("identity").GetString());
        Assert.Contains(root.GetProperty("postActions").EnumerateArray(),
            a => a.GetProperty("actionId").GetString() == "210D431B-A78B-4D2F-B762-4ED3E3EA9025");
    }

    [Fact]
    public void Pack_PortTokens_AppearOnlyInTheirProjectsLaunchSettings()
    {
        // The port generators replace these numbers wherever they occur, so they must occur nowhere else.
        var launchSettings = 0;
        foreach (var (path, text) in PackageContent())
        {
            if (path.StartsWith(".template.config/", StringComparison.Ordinal))
            {
                continue;
            }

            var isLaunchSettings = path.EndsWith("Properties/launchSettings.json", StringComparison.Ordinal);
            launchSettings += isLaunchSettings ? 1 : 0;
            foreach (var (project, token, _, _) in s_ports)
            {
                var own = isLaunchSettings && path == project + "Properties/launchSettings.json";
                Assert.True(own == text.Contains(token, StringComparison.Ordinal), $"{path}: port token {token} (of {project}) present = {!own}");
            }
        }

        Assert.Equal(4, launchSettings);
    }

    [Fact]
    public void New_Contoso_RenamesSolutionProjectFilesAndFolders()
    {
        var output = _fixture.OutputDirectory;

        Assert.True(File.Exists(Path.Combine(output, "Contoso.sln")));
        Assert.True(File.Exists(Path.Combine(output, "AppHost", "Contoso.AppHost", "Contoso.AppHost.csproj")));
        Assert.True(File.Exists(Path.Combine(output, "ServiceDefaults", "Contoso.ServiceDefaults", "Contoso.ServiceDefaults.csproj")));
        Assert.DoesNotContain(GeneratedFiles(), f => f.Contains("RedBook.", StringComparison.Ordinal) || f.Contains("RedBookAspire", StringComparison.Ordinal));
    }

    [Fact]
    public void New_Contoso_RenamesNamespacesAssembliesAndProjectMetadata()
    {
        foreach (var file in GeneratedFiles())
        {
            var text = File.ReadAllText(Path.Combine(_fixture.OutputDirectory, file));
            Assert.False(text.Contains("RedBook.", StringComparison.Ordinal), $"{file} still names RedBook.");
            Assert.False(text.Contains("Projects.RedBook_", StringComparison.Ordinal), $"{file} still names Projects.RedBook_");
            Assert.False(text.Contains("RedBookAspire", StringComparison.Ordinal), $"{file} still names RedBookAspire");
        }

        var appHost = File.ReadAllText(Path.Combine(_fixture.OutputDirectory, "AppHost", "Contoso.AppHost", "AppHost.cs"));
        Assert.Contains("Projects.Contoso_Feed_Api", appHost, StringComparison.Ordinal);
        var aspireConfig = File.ReadAllText(Path.Combine(_fixture.OutputDirectory, "aspire.config.json"));
        Assert.Contains("AppHost/Contoso.AppHost/Contoso.AppHost.csproj", aspireConfig, StringComparison.Ordinal);
        Assert.Contains(GeneratedFiles().Where(f => f.EndsWith(".cs", StringComparison.Ordinal)),
            f => File.ReadAllText(Path.Combine(_fixture.OutputDirectory, f)).Contains("namespace Contoso.ServiceDefaults", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x-redbook-")]
    [InlineData("REDBOOK_")]
    [InlineData("RedBook__")]
    [InlineData("RedBookError")]
    [InlineData("redbook.")]
    public void New_Contoso_KeepsThePlatformNames(string token)
    {
        // Header names, error reasons, configuration keys, type names and instrument names are the
        // platform's wire contract: the rename touches project and namespace names only.
        // Markdown is prose, and README passages about this repository are left out of the copy.
        var packed = PackageContent()
            .Where(e => !e.Key.StartsWith(".template.config/", StringComparison.Ordinal) && !e.Key.EndsWith(".md", StringComparison.Ordinal))
            .Sum(e => Count(e.Value, token));
        var generated = GeneratedFiles()
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .Sum(f => Count(File.ReadAllText(Path.Combine(_fixture.OutputDirectory, f)), token));

        Assert.Equal(packed, generated);
    }

    [Fact]
    public void New_Contoso_KeepsThePlatformNamesThatExistToday()
    {
        // Guards the theory above against passing on zero occurrences.
        var all = string.Concat(GeneratedFiles().Select(f => File.ReadAllText(Path.Combine(_fixture.OutputDirectory, f))));

        Assert.Contains("x-redbook-reason", all, StringComparison.Ordinal);
        Assert.Contains("REDBOOK_OVERLOADED", all, StringComparison.Ordinal);
        Assert.Contains("RedBook__Etcd__Endpoints__0", all, StringComparison.Ordinal);
    }

    [Fact]
    public void New_Contoso_SolutionListsOnlyShippedProjects()
    {
        var output = _fixture.OutputDirectory;
        var sln = File.ReadAllText(Path.Combine(output, "Contoso.sln"));
        var slnProjects = SolutionProject().Matches(sln)
            .Where(m => !string.Equals(m.Groups["type"].Value, SolutionFolderType, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.Groups["path"].Value.Replace('\\', '/'))
            .ToList();

        Assert.Contains("AppHost/Contoso.AppHost/Contoso.AppHost.csproj", slnProjects);
        Assert.All(slnProjects, p => Assert.True(File.Exists(Path.Combine(output, p)), $"the solution lists {p}, which the template doesn't ship"));
        Assert.DoesNotContain(slnProjects, p => p.Contains("Templates", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(output, "eng")));
        Assert.False(Directory.Exists(Path.Combine(output, ".ci")));
        Assert.False(Directory.Exists(Path.Combine(output, "templates")));
    }

    [Fact]
    public void New_Contoso_ReadmeLeavesOutThePassagesAboutThisRepository()
    {
        var packed = PackageContent()["README.md"];
        var generated = File.ReadAllText(Path.Combine(_fixture.OutputDirectory, "README.md"));

        Assert.Contains("docs/template.md", packed, StringComparison.Ordinal);
        Assert.DoesNotContain("docs/template.md", generated, StringComparison.Ordinal);
        Assert.DoesNotContain(".ci/run", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--#", generated, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_fixture.OutputDirectory, "docs", "template.md")));
        Assert.True(File.Exists(Path.Combine(_fixture.OutputDirectory, "docs", "deploy.md")));
        Assert.Contains("dotnet run --project AppHost/Contoso.AppHost", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void New_Contoso_GeneratesFreshUserSecretsIdDashboardAndServicePorts()
    {
        var sourceId = UserSecretsId(PackageContent()["AppHost/RedBook.AppHost/RedBook.AppHost.csproj"]);
        var generatedId = UserSecretsId(File.ReadAllText(Path.Combine(_fixture.OutputDirectory, "AppHost", "Contoso.AppHost", "Contoso.AppHost.csproj")));
        Assert.True(Guid.TryParse(generatedId, out _), generatedId);
        Assert.NotEqual(sourceId, generatedId, StringComparer.OrdinalIgnoreCase);

        foreach (var project in s_ports.Select(p => p.Project).Distinct())
        {
            var generatedProject = project.Replace("RedBook.", "Contoso.", StringComparison.Ordinal);
            var launch = File.ReadAllText(Path.Combine(_fixture.OutputDirectory, generatedProject, "Properties", "launchSettings.json"));
            var ports = LocalhostPort().Matches(launch).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var ranges = s_ports.Where(p => p.Project == project).ToList();

            // The AppHost names 7 URLs (the https profile repeats the http port); a service names 3.
            Assert.Equal(project.StartsWith("AppHost/", StringComparison.Ordinal) ? 7 : 3, ports.Count);
            Assert.All(ports, port => Assert.Contains(ranges, range => port >= range.Low && port <= range.High));
        }
    }

    [Fact]
    public async Task New_Contoso_SolutionBuildsWithWarningsAsErrors()
    {
        var build = await _fixture.BuildSolutionAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
    }

    private Dictionary<string, string> PackageContent()
    {
        using var zip = ZipFile.OpenRead(_fixture.PackagePath);
        var content = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(ContentRoot, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            content[entry.FullName[ContentRoot.Length..]] = reader.ReadToEnd();
        }

        return content;
    }

    private List<string> GeneratedFiles() =>
        Directory.EnumerateFiles(_fixture.OutputDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_fixture.OutputDirectory, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .ToList();

    private static int Count(string text, string token)
    {
        var count = 0;
        for (var i = text.IndexOf(token, StringComparison.Ordinal); i >= 0; i = text.IndexOf(token, i + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string UserSecretsId(string csproj) => UserSecretsIdElement().Match(csproj).Groups[1].Value;

    [GeneratedRegex(@"Project\(""\{(?<type>[^}]+)\}""\)\s*=\s*""[^""]*"",\s*""(?<path>[^""]+)""")]
    private static partial Regex SolutionProject();

    [GeneratedRegex(@"localhost:(\d+)")]
    private static partial Regex LocalhostPort();

    [GeneratedRegex(@"<UserSecretsId>([^<]+)</UserSecretsId>")]
    private static partial Regex UserSecretsIdElement();
}
