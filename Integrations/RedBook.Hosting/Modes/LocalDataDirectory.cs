using Aspire.Hosting;

namespace RedBook.Hosting;

/// <summary>
/// Where a local-mode executable keeps its data: <c>{temp}/{apphost name}-{hash of the AppHost path}/{resource}</c>,
/// the same naming as Aspire's generated volume names, so two solutions never share a directory.
/// </summary>
internal static class LocalDataDirectory
{
    public static string For(IDistributedApplicationBuilder builder, string resourceName)
    {
        var hash = builder.Configuration["AppHost:Sha256"] is { Length: >= 10 } sha ? sha[..10].ToLowerInvariant() : "local";
        var application = new string(builder.Environment.ApplicationName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), $"{application}-{hash}", resourceName);
    }

    /// <summary>Empties the directory (or creates it), so the executable starts from nothing.</summary>
    public static void Reset(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        // etcd wants its data directory private (0700).
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
