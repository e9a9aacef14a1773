using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Modes;

public sealed class ExecutableLocatorTests : IDisposable
{
    private readonly DirectoryInfo _first = Directory.CreateTempSubdirectory("redbook-path-");
    private readonly DirectoryInfo _second = Directory.CreateTempSubdirectory("redbook-path-");

    [Fact]
    public void Find_ExecutableInTheSecondDirectory_ReturnsItsPath()
    {
        var program = Program(_second, "redbook-test-server", executable: true);

        Assert.Equal(program, ExecutableLocator.Find("redbook-test-server", _first.FullName + Path.PathSeparator + _second.FullName));
    }

    [Fact]
    public void Find_FirstMatchIsNotExecutable_SkipsIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has no execute bit.
        }

        Program(_first, "redbook-test-server", executable: false);
        var executable = Program(_second, "redbook-test-server", executable: true);

        Assert.Equal(executable, ExecutableLocator.Find("redbook-test-server", _first.FullName + Path.PathSeparator + _second.FullName));
    }

    [Fact]
    public void Find_Missing_ReturnsNull() =>
        Assert.Null(ExecutableLocator.Find("redbook-no-such-program", _first.FullName + Path.PathSeparator + _second.FullName));

    public void Dispose()
    {
        _first.Delete(recursive: true);
        _second.Delete(recursive: true);
    }

    private static string Program(DirectoryInfo directory, string name, bool executable)
    {
        var path = Path.Combine(directory.FullName, OperatingSystem.IsWindows() ? name + ".exe" : name);
        File.WriteAllText(path, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, executable ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
