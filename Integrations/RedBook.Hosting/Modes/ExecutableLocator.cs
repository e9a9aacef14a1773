namespace RedBook.Hosting;

/// <summary>Finds a program on PATH, as a shell would, so local mode can tell which servers it can start.</summary>
public static class ExecutableLocator
{
    /// <summary>Returns the full path of <paramref name="program"/> on <paramref name="path"/>, or <see langword="null"/>.</summary>
    /// <param name="program">The program's name without extension, for example <c>redis-server</c>.</param>
    /// <param name="path">The search path; <see langword="null"/> reads the PATH environment variable.</param>
    public static string? Find(string program, string? path = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        string[] extensions = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat", ""] : [""];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, program + extension);
                if (File.Exists(candidate) && IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
