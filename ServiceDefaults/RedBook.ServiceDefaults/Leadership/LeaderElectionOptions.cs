using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// Settings of a leader election, bound from <c>RedBook:Leadership</c> (every election of the service), then the
/// <c>configure</c> delegate of <c>AddRedBookLeaderElection</c>. Read at each new lease, so a change applies from the
/// next campaign on. Every duration is clamped to its range before it reaches a timer.
/// </summary>
public sealed class LeaderElectionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Leadership";

    /// <summary>
    /// The TTL of the election lease. A leader that dies is replaced within about this long; a leader that cannot renew
    /// its lease stops leading after <see cref="LeaderElectionConstants.StepDownFraction"/> of it. Renewed every third.
    /// </summary>
    /// <value>10 seconds; 2 seconds to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a graceful resign waits for the leader's running work (held with <see cref="LeaderTerm.TryHold"/>) to
    /// stop before it releases the election key anyway.
    /// </summary>
    /// <remarks>
    /// The release itself (revoking the lease) takes at most 2 seconds more; keep the sum below
    /// <c>RedBook:Shutdown:ParticipantTimeout</c> (5 seconds by default).
    /// </remarks>
    /// <value>3 seconds; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ResignTimeout { get; set; } = TimeSpan.FromSeconds(3);

    internal TimeSpan EffectiveLeaseTtl => Clamp(LeaseTtl, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));

    internal TimeSpan EffectiveResignTimeout => Clamp(ResignTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(1));

    internal static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
