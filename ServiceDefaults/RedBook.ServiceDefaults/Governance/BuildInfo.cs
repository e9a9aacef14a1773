using System.Reflection;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>
/// What was built: the version, the source commit and the build time, read from the entry assembly. The build
/// injects them (<c>Directory.Build.targets</c>): <c>AssemblyMetadata("RedBook.Commit", $(SourceRevisionId))</c>
/// and <c>AssemblyMetadata("RedBook.BuildTime", ...)</c>; without git the commit is <see cref="Unknown"/>.
/// </summary>
/// <param name="Version">The informational version without the commit suffix.</param>
/// <param name="Commit">The source commit, or <see cref="Unknown"/>.</param>
/// <param name="BuildTime">The UTC build time (ISO 8601), or <see cref="Unknown"/>.</param>
/// <param name="Assembly">The assembly's name.</param>
public sealed record BuildInfo(string Version, string Commit, string BuildTime, string Assembly)
{
    /// <summary>The value of a fact the build did not record.</summary>
    public const string Unknown = "unknown";

    /// <summary>The metadata key of the commit.</summary>
    public const string CommitKey = "RedBook.Commit";

    /// <summary>The metadata key of the build time.</summary>
    public const string BuildTimeKey = "RedBook.BuildTime";

    /// <summary>Reads the build facts of <paramref name="assembly"/>.</summary>
    public static BuildInfo FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string? commit = null;
        string? buildTime = null;
        foreach (var metadata in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (metadata.Key == CommitKey)
            {
                commit = metadata.Value;
            }
            else if (metadata.Key == BuildTimeKey)
            {
                buildTime = metadata.Value;
            }
        }

        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? Unknown;
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            commit ??= informational[(plus + 1)..];
            informational = informational[..plus];
        }

        return new BuildInfo(
            informational,
            string.IsNullOrWhiteSpace(commit) ? Unknown : commit,
            string.IsNullOrWhiteSpace(buildTime) ? Unknown : buildTime,
            assembly.GetName().Name ?? Unknown);
    }
}
