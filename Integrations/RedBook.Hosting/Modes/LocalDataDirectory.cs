using Aspire.Hosting;

namespace RedBook.Hosting;

/// <summary>
/// Where local mode keeps files: <c>RedBook:AppHost:DataDirectory</c> when it is set, else
/// <c>{temp}/{apphost name}-{hash of the AppHost path}/</c>, named as Aspire names volumes, so two solutions (or two
/// copies of one) never share a directory. Tests that start the AppHost set a directory of their own, so they neither
/// see nor reset the data of a developer's run.
/// </summary>
public static class LocalDataDirectory
{
    /// <summary>The setting that names the directory.</summary>
    public const string ConfigurationKey = "RedBook:AppHost:DataDirectory";

    /// <summary>The AppHost's local-mode directory.</summary>
    /// <param name="builder">The AppHost builder.</param>
    public static string Root(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[ConfigurationKey] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, builder.AppHostDirectory);
        }

        var hash = builder.Configuration["AppHost:Sha256"] is { Length: >= 10 } sha ? sha[..10].ToLowerInvariant() : "local";
        var application = new string(builder.Environment.ApplicationName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), $"{application}-{hash}");
    }

    /// <summary>The directory of one resource's data.</summary>
    internal static string For(IDistributedApplicationBuilder builder, string resourceName) => Path.Combine(Root(builder), resourceName);

    /// <summary>Empties the directory (or creates it), so the executable starts from nothing.</summary>
    internal static void Reset(string directory)
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
