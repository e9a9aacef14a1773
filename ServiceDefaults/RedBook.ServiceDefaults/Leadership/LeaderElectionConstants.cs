namespace RedBook.ServiceDefaults.Leadership;

/// <summary>Names and fixed fractions of leader election.</summary>
public static class LeaderElectionConstants
{
    /// <summary>The election a job or the outbox relay joins when none is named.</summary>
    public const string DefaultElection = "default";

    /// <summary>The etcd prefix of election keys: <c>/redbook/leaders/{service}/{election}</c>.</summary>
    public const string KeyPrefix = "/redbook/leaders/";

    /// <summary>
    /// A leader that could not renew its lease stops leading this fraction of the TTL after it sent its last successful
    /// renewal. etcd restarted the TTL no earlier than that send, so the lease (and the key) outlive the step-down by at
    /// least a fifth of the TTL: the margin that keeps a successor from starting while the old leader still acts.
    /// </summary>
    public const double StepDownFraction = 0.8;

    /// <summary>The counter of leadership transitions (tags <c>election</c>, <c>transition</c>).</summary>
    public const string TransitionsCounterName = "redbook.leadership.transitions";

    /// <summary>The gauge that is 1 while this instance leads an election, else 0 (tag <c>election</c>).</summary>
    public const string LeaderGaugeName = "redbook.leadership.leader";

    /// <summary>The tag naming the election.</summary>
    public const string ElectionTag = "election";

    /// <summary>The tag naming a transition: <c>acquired</c>, <c>lost</c> or <c>resigned</c>.</summary>
    public const string TransitionTag = "transition";

    /// <summary>The pattern an election name must match.</summary>
    internal const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

    /// <summary>The etcd key of <paramref name="election"/> in <paramref name="service"/>.</summary>
    public static string KeyOf(string service, string election) => $"{KeyPrefix}{service}/{election}";
}
