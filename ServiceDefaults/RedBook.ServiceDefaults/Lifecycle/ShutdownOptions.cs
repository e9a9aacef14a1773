using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Lifecycle;

/// <summary>Graceful shutdown's knobs (<c>RedBook:Shutdown</c>), read when shutdown begins.</summary>
public sealed class ShutdownOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Shutdown";

    /// <summary>
    /// How long shutdown waits for in-flight requests to finish after the participants ran. Keep it below the
    /// host's <c>HostOptions.ShutdownTimeout</c> (30 s by default) and the orchestrator's grace period.
    /// </summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long each <see cref="IShutdownParticipant"/> may take before shutdown moves on.</summary>
    /// <value>The default is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ParticipantTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a second SIGTERM or SIGINT during shutdown ends the process at once.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ExitOnSecondSignal { get; set; } = true;
}
