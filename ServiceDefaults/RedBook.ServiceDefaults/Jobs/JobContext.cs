namespace RedBook.ServiceDefaults.Jobs;

/// <summary>What a job run knows about itself.</summary>
public sealed class JobContext
{
    /// <summary>The job's name (<c>hot-notes</c>).</summary>
    public required string Name { get; init; }

    /// <summary>A unique id of this run (UUIDv7, 32 hex digits), also on the run's activity and log lines.</summary>
    public required string RunId { get; init; }

    /// <summary>
    /// The fencing token of the leadership the run belongs to (<see cref="Leadership.LeaderTerm.Term"/>): pass it to a
    /// store that can reject writes from an older term.
    /// </summary>
    public required long Term { get; init; }

    /// <summary>When the run started (the service's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset StartedAt { get; init; }
}
