namespace RedBook.ApiCheck.Tests;

/// <summary>
/// The API check must be able to fail: the AppHost's check project, fed one extra file with a wrong
/// call against the Aspire facades, must stop with the compiler's error for that call; the same
/// build without the file must pass. (One class, so the builds run one after another.)
/// </summary>
public sealed class WrongCallTests(CheckBuildFixture fixture) : IClassFixture<CheckBuildFixture>
{
    [Fact]
    public void Build_OnlineSourcesOnly_Succeeds()
    {
        Assert.Null(fixture.PrepareFailure);

        var result = CheckBuild.Build(fixture.CheckProject, fixture.NewScratchDir("clean"));

        Assert.True(result.Succeeded, result.Output);
    }

    [Fact]
    public void Build_MisspeltMethod_FailsWithCS1061NamingTheMethod()
    {
        Assert.Null(fixture.PrepareFailure);
        var scratch = fixture.NewScratchDir("misspelt");
        var bad = WriteSource(scratch, "MisspeltCall.cs", """
            namespace RedBook.ApiCheck.WrongCalls;

            internal static class MisspeltCall
            {
                public static void Declare(IDistributedApplicationBuilder builder) => builder.AddRediss("x");
            }
            """);

        var result = CheckBuild.Build(fixture.CheckProject, scratch, bad);

        Assert.False(result.Succeeded, result.Output);
        Assert.Contains(ErrorLines(result, "CS1061"), line =>
            line.Contains("MisspeltCall.cs", StringComparison.Ordinal) &&
            line.Contains("'IDistributedApplicationBuilder' does not contain a definition for 'AddRediss'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WrongArgumentType_FailsWithCS1503NamingTheConversion()
    {
        Assert.Null(fixture.PrepareFailure);
        var scratch = fixture.NewScratchDir("wrongtype");
        var bad = WriteSource(scratch, "WrongArgumentType.cs", """
            namespace RedBook.ApiCheck.WrongCalls;

            internal static class WrongArgumentType
            {
                // AddProject<T>(name) takes the resource name as a string, not a number.
                public static void Declare(IDistributedApplicationBuilder builder) => builder.AddProject<Projects.RedBook_Feed_Api>(42);
            }
            """);

        var result = CheckBuild.Build(fixture.CheckProject, scratch, bad);

        Assert.False(result.Succeeded, result.Output);
        Assert.Contains(ErrorLines(result, "CS1503"), line =>
            line.Contains("WrongArgumentType.cs", StringComparison.Ordinal) &&
            line.Contains("cannot convert from 'int' to 'string'", StringComparison.Ordinal));
    }

    private static string WriteSource(string dir, string fileName, string source)
    {
        var path = Path.Combine(dir, fileName);
        File.WriteAllText(path, source);
        return path;
    }

    private static List<string> ErrorLines(CheckBuildResult result, string code) =>
        result.Output.Split('\n').Where(l => l.Contains("error " + code + ":", StringComparison.Ordinal)).ToList();
}
