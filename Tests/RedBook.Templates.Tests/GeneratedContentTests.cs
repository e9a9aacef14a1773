using System.Text.RegularExpressions;

namespace RedBook.Templates.Tests;

/// <summary>What every option combination generates: renames, the platform's names, the user's name, no template left-overs, nothing of ours.</summary>
[Collection(TemplateCollection.Name)]
public sealed partial class GeneratedContentTests(TemplateFixture fixture)
{
    public static TheoryData<string> Combinations => ["default", "no-mall", "no-tests-container", "local"];

    [Theory]
    [MemberData(nameof(Combinations))]
    public void New_AnyOptions_RenamesSolutionProjectsNamespacesAndMetadata(string combination)
    {
        var solution = fixture.All[combination];

        Assert.True(File.Exists(solution.SolutionPath));
        Assert.True(solution.Exists("AppHost/Contoso.AppHost/Contoso.AppHost.csproj"));
        Assert.True(solution.Exists("ServiceDefaults/Contoso.ServiceDefaults/Contoso.ServiceDefaults.csproj"));
        Assert.DoesNotContain(solution.Files(), f => f.Contains("RedBook.", StringComparison.Ordinal) || f.Contains("RedBookAspire", StringComparison.Ordinal));
        foreach (var file in solution.Files())
        {
            var text = solution.Read(file);
            Assert.False(text.Contains("RedBook.", StringComparison.Ordinal), $"{file} still names RedBook.");
            Assert.False(text.Contains("Projects.RedBook_", StringComparison.Ordinal), $"{file} still names Projects.RedBook_");
            Assert.False(text.Contains("RedBookAspire", StringComparison.Ordinal), $"{file} still names RedBookAspire");
            Assert.False(text.Contains("RedBook Aspire", StringComparison.Ordinal), $"{file} still names RedBook Aspire");
        }

        Assert.Contains("Projects.Contoso_Feed_Api", solution.Read("AppHost/Contoso.AppHost/AppHost.cs"), StringComparison.Ordinal);
        Assert.Contains("AppHost/Contoso.AppHost/Contoso.AppHost.csproj", solution.Read("aspire.config.json"), StringComparison.Ordinal);
        Assert.Contains(solution.Files().Where(f => f.StartsWith("ServiceDefaults/Contoso.ServiceDefaults/", StringComparison.Ordinal) && f.EndsWith(".cs", StringComparison.Ordinal)),
            f => solution.Read(f).Contains("namespace Contoso.ServiceDefaults", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void New_AnyOptions_CarriesTheUsersNameInMetadataDescriptionsAndReadme(string combination)
    {
        var solution = fixture.All[combination];
        var props = solution.Read("Directory.Build.props");

        Assert.Contains("<Authors>Contoso contributors</Authors>", props, StringComparison.Ordinal);
        Assert.Contains("<Company>Contoso</Company>", props, StringComparison.Ordinal);
        Assert.Contains("<Product>Contoso</Product>", props, StringComparison.Ordinal);
        var descriptions = solution.Files().Where(f => f.EndsWith(".csproj", StringComparison.Ordinal))
            .SelectMany(f => Description().Matches(solution.Read(f)).Select(m => (File: f, Text: m.Groups[1].Value)))
            .ToList();
        Assert.NotEmpty(descriptions);
        Assert.All(descriptions, d => Assert.False(d.Text.Contains("RedBook", StringComparison.Ordinal), $"{d.File}: {d.Text}"));
        Assert.Contains(descriptions, d => d.Text.StartsWith("Contoso ", StringComparison.Ordinal));

        var readme = solution.Read("README.md");
        Assert.StartsWith("# Contoso" + Environment.NewLine, readme.ReplaceLineEndings(), StringComparison.Ordinal);
        Assert.Contains("Contoso is a .NET Aspire application", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project AppHost/Contoso.AppHost", readme, StringComparison.Ordinal);
        Assert.Contains("the `RedBook:` configuration section, the `x-redbook-*` headers, the `REDBOOK_*` error reasons", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void New_AnyOptions_LeavesNoTemplateDirectives(string combination)
    {
        var solution = fixture.All[combination];
        foreach (var file in solution.Files())
        {
            var text = solution.Read(file);
            Assert.False(TemplateDirective().IsMatch(text), $"{file}: {TemplateDirective().Match(text).Value.Trim()}");
        }

        // The C# preprocessor directive of the Kubernetes switch is the compiler's, not the template's: it stays.
        Assert.Contains("#if REDBOOK_KUBERNETES", solution.Read("AppHost/Contoso.AppHost/AppHost.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void New_AnyOptions_CarriesNothingOfOurs(string combination)
    {
        // Our CI, our issues, the template pack and our measurements stay in this repository.
        var solution = fixture.All[combination];
        var ourResults = Directory.EnumerateFiles(Path.Combine(fixture.RepoRoot, "Tests", "RedBook.Benchmarks", "results"))
            .Concat(Directory.EnumerateFiles(Path.Combine(fixture.RepoRoot, "Tests", "RedBook.LoadLab", "results")))
            .Select(f => Path.GetFileName(f).Replace("RedBook.", "Contoso.", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(ourResults);

        Assert.False(solution.Exists("Tests/Contoso.Benchmarks/results"));
        Assert.False(solution.Exists("Tests/Contoso.LoadLab/results"));
        Assert.False(solution.Exists("docs/template.md"));
        Assert.False(solution.Exists("templates"));
        Assert.False(solution.Exists(".ci"));
        Assert.False(solution.Exists("eng"));
        foreach (var file in solution.Files())
        {
            var text = solution.Read(file);
            Assert.False(OursInText().IsMatch(text), $"{file}: '{OursInText().Match(text).Value}'");
            Assert.DoesNotContain(ourResults, r => text.Contains(r, StringComparison.Ordinal));
            Assert.DoesNotContain(MarkdownLink().Matches(text), l => l.Groups["target"].Value.Contains("results/", StringComparison.Ordinal));
        }

        var readme = solution.Read("README.md");
        Assert.DoesNotContain("templates/", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("eng/", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("## This repository", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void New_AnyOptions_EveryRelativeMarkdownLinkResolves(string combination)
    {
        var solution = fixture.All[combination];
        var markdown = solution.Files().Where(f => f.EndsWith(".md", StringComparison.Ordinal)).ToList();
        Assert.Contains("README.md", markdown);
        Assert.Contains("docs/apphost.md", markdown);

        foreach (var file in markdown)
        {
            foreach (Match link in MarkdownLink().Matches(solution.Read(file)))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetFullPath(Path.Combine(solution.OutputDirectory, Path.GetDirectoryName(file) ?? "", target.Split('#')[0]));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{file} links to {target}, which the generated solution doesn't have");
            }
        }
    }

    [Theory]
    [InlineData("x-redbook-")]
    [InlineData("REDBOOK_")]
    [InlineData("RedBook__")]
    [InlineData("RedBookError")]
    [InlineData("redbook.")]
    [InlineData("/_redbook/")]
    [InlineData("AddRedBookMongoDBClient")]
    public void New_Default_KeepsThePlatformNames(string token)
    {
        // Header names, error reasons, configuration keys, type names, instruments, paths and API names are the
        // platform's wire contract: the rename touches project and namespace names only.
        var solution = fixture.Default;
        var packed = fixture.PackageContent
            .Where(e => !e.Key.StartsWith(".template.config/", StringComparison.Ordinal) && !e.Key.EndsWith(".md", StringComparison.Ordinal))
            .Sum(e => Count(e.Value, token));
        var generated = solution.Files()
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .Sum(f => Count(solution.Read(f), token));

        Assert.True(generated > 0, $"no {token} in the generated solution");
        Assert.Equal(packed, generated);
    }

    [Fact]
    public void New_Default_GeneratesFreshGuidsUserSecretsIdAndPorts()
    {
        var solution = fixture.Default;
        var sourceGuids = PackageTests.SolutionProject().Matches(fixture.PackageContent["RedBookAspire.sln"]).Select(m => m.Groups["guid"].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var generatedGuids = PackageTests.SolutionProject().Matches(solution.Read("Contoso.sln")).Select(m => m.Groups["guid"].Value).ToList();
        Assert.Equal(sourceGuids.Count, generatedGuids.Count);
        Assert.DoesNotContain(generatedGuids, sourceGuids.Contains);

        var sourceId = PackageTests.UserSecretsIdElement().Match(fixture.PackageContent["AppHost/RedBook.AppHost/RedBook.AppHost.csproj"]).Groups[1].Value;
        var generatedId = PackageTests.UserSecretsIdElement().Match(solution.Read("AppHost/Contoso.AppHost/Contoso.AppHost.csproj")).Groups[1].Value;
        Assert.True(Guid.TryParse(generatedId, out _), generatedId);
        Assert.NotEqual(sourceId, generatedId, StringComparer.OrdinalIgnoreCase);

        foreach (var project in Ports.All.Select(p => p.Project).Distinct())
        {
            var launch = solution.Read(project.Replace("RedBook.", "Contoso.", StringComparison.Ordinal) + "Properties/launchSettings.json");
            var ports = LocalhostPort().Matches(launch).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var ranges = Ports.All.Where(p => p.Project == project).ToList();

            // The AppHost names 10 URLs (three profiles; https repeats the http port); a service names 3.
            Assert.Equal(project.StartsWith("AppHost/", StringComparison.Ordinal) ? 10 : 3, ports.Count);
            Assert.All(ports, port => Assert.Contains(ranges, range => port >= range.Low && port <= range.High));
        }
    }

    [Theory]
    [InlineData("default", "Auto")]
    [InlineData("no-tests-container", "Container")]
    [InlineData("local", "Local")]
    public void New_RunMode_IsTheAppHostsDefaultMode(string combination, string mode)
    {
        var settings = fixture.All[combination].Read("AppHost/Contoso.AppHost/appsettings.json");

        Assert.Contains($"\"Mode\": \"{mode}\"", settings, StringComparison.Ordinal);
        Assert.Single(ModeSetting().Matches(settings));
    }

    private static int Count(string text, string token)
    {
        var count = 0;
        for (var i = text.IndexOf(token, StringComparison.Ordinal); i >= 0; i = text.IndexOf(token, i + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"<Description>([^<]*)</Description>")]
    private static partial Regex Description();

    // The template engine's own conditionals and switches (C#, MSBuild/markdown, single-hash), never a C# directive.
    [GeneratedRegex(@"^\s*(//#(if|else|elseif|endif)\b|<!--#(if|else|elseif|endif)\b|#(if|elseif) \(|//[-+]:cnd|#endif\s*-->)", RegexOptions.Multiline)]
    private static partial Regex TemplateDirective();

    [GeneratedRegex(@"\.ci/|\bour CI\b|\bthe issue('s)?\b|\bissue \d+|docs/template\.md|RedBook\.Templates|dotnet new install|Tests/Contoso\.Templates\.Tests", RegexOptions.IgnoreCase)]
    private static partial Regex OursInText();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"localhost:(\d+)")]
    private static partial Regex LocalhostPort();

    [GeneratedRegex(@"""Mode"": """)]
    private static partial Regex ModeSetting();
}
