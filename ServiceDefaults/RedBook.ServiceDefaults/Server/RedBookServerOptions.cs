using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Server;

/// <summary>The server pipeline's knobs (<c>RedBook:Server</c>); changes apply to the next request.</summary>
public sealed class RedBookServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Server";

    /// <summary>
    /// The deadline of a request that carries no <c>grpc-timeout</c> header (kratos's server default).
    /// <see cref="TimeSpan.Zero"/> means such a request has no deadline.
    /// </summary>
    /// <value>The default is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest deadline the server accepts from a caller; a longer <c>grpc-timeout</c> is shortened to it.
    /// <see cref="TimeSpan.Zero"/> means no cap.
    /// </summary>
    /// <value>The default is <see cref="TimeSpan.Zero"/> (no cap).</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether admitted requests pass through the CoDel admission queue (<c>RedBook:CoDel</c>: concurrency limit,
    /// queue length, target delay), after BBR and the rate limits. A request shed by the queue gets the same 503
    /// "overloaded" answer as one shed by BBR. The switch applies to the next request.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool CoDelEnabled { get; set; }
}
