using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RedBook.ServiceDefaults.Telemetry;

/// <summary>
/// The one ActivitySource and one Meter of the RedBook library. Every HA behaviour reports its own instruments
/// on <see cref="Meter"/> (names start with <c>redbook.</c>); the OpenTelemetry setup subscribes to both names.
/// </summary>
public static class RedBookDiagnostics
{
    /// <summary>The name of the ActivitySource and the Meter.</summary>
    public const string Name = "RedBook.ServiceDefaults";

    /// <summary>The library's ActivitySource.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>The library's Meter.</summary>
    public static Meter Meter { get; } = new(Name);
}
