namespace RedBook.ServiceDefaults.Isolation;

/// <summary>Defaults and names of the isolation limiters.</summary>
public static class IsolationConstants
{
    /// <summary>The configuration section.</summary>
    public const string ConfigurationSection = "RedBook:Isolation";

    /// <summary>
    /// How long a replaced limiter generation lives on after a configuration change, so its queued requests finish
    /// and its leases release to it, before it is disposed.
    /// </summary>
    public static readonly TimeSpan RetiredGenerationLifetime = TimeSpan.FromMinutes(1);

    /// <summary>The partition key shared by every resource that has no configured limit.</summary>
    internal const string UnlimitedKey = "";
}
