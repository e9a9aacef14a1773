namespace RedBook.ServiceDefaults.Jobs;

/// <summary>The job host's instrument and tag names.</summary>
public static class JobConstants
{
    /// <summary>The counter of finished runs (tags <c>job.name</c>, <c>outcome</c>).</summary>
    public const string RunsCounterName = "redbook.jobs.runs";

    /// <summary>The histogram of run durations in seconds (tags <c>job.name</c>, <c>outcome</c>).</summary>
    public const string DurationHistogramName = "redbook.jobs.duration";

    /// <summary>The tag naming the job.</summary>
    public const string JobNameTag = "job.name";

    /// <summary>The tag naming a run's outcome: <c>succeeded</c>, <c>failed</c>, <c>timed_out</c>, <c>lost_leadership</c> or <c>stopped</c>.</summary>
    public const string OutcomeTag = "outcome";
}

/// <summary>How a job run ended.</summary>
public enum JobOutcome
{
    /// <summary>The run returned.</summary>
    Succeeded,

    /// <summary>The run threw.</summary>
    Failed,

    /// <summary>The run was cancelled because it took longer than <see cref="RedBookJobOptions.Timeout"/>.</summary>
    TimedOut,

    /// <summary>The run was cancelled because this instance lost the leadership.</summary>
    LostLeadership,

    /// <summary>The run was cancelled because the host is stopping.</summary>
    Stopped,
}
