namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>
/// The mapping between etcd keys and configuration keys. Under <c>/redbook/config/{app}/</c> (or
/// <c>/redbook/config/_global/</c>) every <c>/</c> becomes <c>:</c>: <c>/redbook/config/feed/RedBook/Breaker/K</c> is
/// <c>RedBook:Breaker:K</c>. A key with an empty segment (<c>a//b</c>, a trailing <c>/</c>), a <c>:</c> inside a
/// segment, or nothing after the prefix does not map and is ignored.
/// </summary>
internal static class EtcdConfigurationKeys
{
    /// <summary>The root of every configuration key in etcd.</summary>
    public const string Root = "/redbook/config/";

    /// <summary>The pseudo-application whose keys every application reads (its own keys win).</summary>
    public const string GlobalApp = "_global";

    /// <summary>The etcd prefix of <paramref name="app"/>'s keys.</summary>
    public static string PrefixOf(string app) => Root + app + "/";

    /// <summary>Whether <paramref name="app"/> can be used as an application name (non-empty, no <c>/</c>, not <c>_global</c>).</summary>
    public static bool IsValidAppName(string? app) =>
        !string.IsNullOrWhiteSpace(app) && !app.Contains('/', StringComparison.Ordinal) && !app.Contains(':', StringComparison.Ordinal) && app != GlobalApp;

    /// <summary>Maps the part of an etcd key after its prefix to a configuration key.</summary>
    /// <returns>False when the key cannot map (see the type's remarks).</returns>
    public static bool TryMap(ReadOnlySpan<char> relative, out string configurationKey)
    {
        configurationKey = string.Empty;
        if (relative.IsEmpty)
        {
            return false;
        }

        var previousSlash = true;
        foreach (var c in relative)
        {
            if (c == ':')
            {
                return false;
            }

            if (c == '/')
            {
                if (previousSlash)
                {
                    return false;
                }

                previousSlash = true;
            }
            else
            {
                previousSlash = false;
            }
        }

        if (previousSlash)
        {
            return false;
        }

        configurationKey = relative.ToString().Replace('/', ':');
        return true;
    }
}
