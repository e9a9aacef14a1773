using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace RedBook.Templates.Tests;

/// <summary>
/// The option combinations: what each leaves out, a clean run (restore in the post action), a build of the generated
/// solution with warnings as errors, and its unit tests. The durations of the steps go to the test output.
/// </summary>
[Collection(TemplateCollection.Name)]
public sealed partial class OptionTests(TemplateFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void New_Default_RestoresInThePostActionWithoutErrors()
    {
        var created = fixture.Default.Created;

        Assert.Contains("Restore succeeded.", created.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error", created.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("warn", created.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void New_Default_ShipsTheMallAndTheTests()
    {
        var solution = fixture.Default;
        var sln = solution.Read("Contoso.sln");

        Assert.True(solution.Exists("Services/Mall/Contoso.Mall.Api/Contoso.Mall.Api.csproj"));
        Assert.True(solution.Exists("Bff/Contoso.Bff/Apis/MallApi.cs"));
        Assert.Contains("Contoso.Mall.Api", sln, StringComparison.Ordinal);
        Assert.Contains("Contoso.ServiceDefaults.Tests", sln, StringComparison.Ordinal);
        Assert.Contains("mall-api", solution.Read("AppHost/Contoso.AppHost/AppHost.cs"), StringComparison.Ordinal);
        Assert.Contains("dotnet test", solution.Read("README.md"), StringComparison.Ordinal);
        Assert.Contains("- a **mall** service", solution.Read("README.md"), StringComparison.Ordinal);
        Assert.All(SolutionPaths(sln), p => Assert.True(solution.Exists(p), $"the solution lists {p}, which the template doesn't ship"));
        Assert.DoesNotContain(SolutionPaths(sln), p => p.Contains("Templates", StringComparison.Ordinal));
    }

    [Fact]
    public void New_NoMall_LeavesOutTheMallEverywhere()
    {
        var solution = fixture.NoMall;
        var sln = solution.Read("Contoso.sln");

        Assert.False(solution.Exists("Services/Mall"));
        string[] mallOnly =
        [
            "Bff/Contoso.Bff/Apis/MallApi.cs", "Bff/Contoso.Bff/Extensions/MallExtensions.cs", "Bff/Contoso.Bff/Infrastructure/MallGateway.cs",
            "Bff/Contoso.Bff/Quota", "Bff/Contoso.Bff.Core/Mall", "Bff/Contoso.Bff.Core/Composition/MallParts.cs",
            "Bff/Contoso.Bff.Core/Composition/CatalogComposer.cs", "Tests/Contoso.Application.Tests/Mall", "Tests/Contoso.Bff.Tests/Functional/MallApiTests.cs",
        ];
        Assert.All(mallOnly, f => Assert.False(solution.Exists(f), $"{f} is mall-only"));
        Assert.DoesNotContain("Mall", sln, StringComparison.Ordinal);
        Assert.All(SolutionPaths(sln), p => Assert.True(solution.Exists(p), $"the solution lists {p}, which the template doesn't ship"));

        // No code, project or setting names the mall's projects, resources, database, topics or consumer.
        foreach (var file in solution.Files().Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
        {
            var text = solution.Read(file);
            Assert.False(MallReference().IsMatch(text), $"{file}: '{MallReference().Match(text).Value}'");
        }

        Assert.DoesNotContain("mall-api", solution.Read("AppHost/Contoso.AppHost/AppHost.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("mall-api", solution.Read("Tests/Contoso.AppHost.Tests/Integration/LocalSystemTests.cs"), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?i)\bmall\b", solution.Read("README.md"));
        Assert.DoesNotContain("Quota", solution.Read("Bff/Contoso.Bff/appsettings.json"), StringComparison.Ordinal);
        Assert.True(solution.Exists("Tests/Contoso.Application.Tests/Feed/Core/FeedServiceTests.cs"));
    }

    [Fact]
    public void New_NoTests_LeavesOutTheTestsAndTheirCommand()
    {
        var solution = fixture.NoTestsContainer;
        var sln = solution.Read("Contoso.sln");

        Assert.False(solution.Exists("Tests"));
        Assert.DoesNotContain("Tests", sln, StringComparison.Ordinal);
        Assert.All(SolutionPaths(sln), p => Assert.True(solution.Exists(p), $"the solution lists {p}, which the template doesn't ship"));
        Assert.True(solution.Exists("Services/Mall/Contoso.Mall.Api/Contoso.Mall.Api.csproj"));
        Assert.DoesNotContain("dotnet test", solution.Read("README.md"), StringComparison.Ordinal);
        Assert.DoesNotContain("docs/testing.md", solution.Read("README.md"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Default_SucceedsWithWarningsAsErrorsAndUnitTestsPass()
    {
        await AssertBuildsAndPassesAsync(fixture.Default);
    }

    [Fact]
    public async Task Build_NoMall_SucceedsWithWarningsAsErrorsAndUnitTestsPass()
    {
        await AssertBuildsAndPassesAsync(fixture.NoMall);
    }

    [Fact]
    public async Task Build_NoTestsContainerMode_SucceedsWithWarningsAsErrors()
    {
        var build = await fixture.NoTestsContainer.BuildAsync();
        output.WriteLine(fixture.Timings.ToString());

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(" 0 Warning(s)", build.Output, StringComparison.Ordinal);
    }

    private async Task AssertBuildsAndPassesAsync(GeneratedSolution solution)
    {
        var build = await solution.BuildAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(" 0 Warning(s)", build.Output, StringComparison.Ordinal);

        var tests = await solution.RunUnitTestsAsync();
        output.WriteLine(fixture.Timings.ToString());
        Assert.All(tests, t =>
        {
            Assert.True(t.ExitCode == 0, t.ToString());
            var passed = PassedCount().Match(t.Output);
            Assert.True(passed.Success && int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"no test ran: {t}");
        });
    }

    private static List<string> SolutionPaths(string sln) =>
        PackageTests.SolutionProject().Matches(sln)
            .Where(m => !string.Equals(m.Groups["type"].Value, "2150E333-8FDC-42A3-9474-1A3956D46DE8", StringComparison.OrdinalIgnoreCase))
            .Select(m => m.Groups["path"].Value.Replace('\\', '/'))
            .ToList();

    [GeneratedRegex(@"Contoso\.Mall|Projects\.Contoso_Mall|malldb|mall\.orders|MallOrder|IMallGateway|MallParts|OrderQuota|bff-orders")]
    private static partial Regex MallReference();

    [GeneratedRegex(@"Passed:\s+(\d+)")]
    private static partial Regex PassedCount();
}
