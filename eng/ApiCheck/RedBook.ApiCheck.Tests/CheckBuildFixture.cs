namespace RedBook.ApiCheck.Tests;

/// <summary>
/// Restores and builds the AppHost check project once (with its facades), so that each test then
/// compiles only the check project itself, with <c>--no-restore</c>, into its own scratch folder.
/// <c>eng/apicheck.sh</c> has just built everything and says so with <c>REDBOOK_APICHECK_BUILT=1</c>;
/// the preparing build is then skipped.
/// </summary>
public sealed class CheckBuildFixture : IDisposable
{
    public CheckBuildFixture()
    {
        CheckProject = CheckBuild.CheckProject("RedBook.AppHost");
        ScratchRoot = Directory.CreateTempSubdirectory("redbook-apicheck-").FullName;
        if (Environment.GetEnvironmentVariable("REDBOOK_APICHECK_BUILT") != "1")
        {
            var prepare = CheckBuild.Run(["build", CheckProject, "-nologo", "-nodeReuse:false", "-warnaserror", "-v:q"]);
            PrepareFailure = prepare.Succeeded ? null : prepare.Output;
        }
    }

    public string CheckProject { get; }

    public string ScratchRoot { get; }

    /// <summary>The output of the preparing build when it failed (the tests report it), else null.</summary>
    public string? PrepareFailure { get; }

    public string NewScratchDir(string name) => Directory.CreateDirectory(Path.Combine(ScratchRoot, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(ScratchRoot, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in the temp directory is harmless.
        }
    }
}
