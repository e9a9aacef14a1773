namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// The five things leader election needs from a consensus store, and nothing else: a lease with a TTL that the
/// holder keeps alive and can revoke, a "create this key on my lease unless it exists" step, and a way to wait until
/// a key no longer belongs to its holder. <see cref="EtcdElectionBackend"/> is the only implementation that talks to
/// etcd; swapping the etcd client means rewriting that one class. Every method throws
/// <see cref="Errors.RedBookException"/> when the store cannot be reached or refuses, and
/// <see cref="OperationCanceledException"/> when <c>cancellationToken</c> fires.
/// </summary>
internal interface IElectionBackend
{
    /// <summary>Grants a lease of about <paramref name="ttl"/>; returns its id and the TTL the store granted.</summary>
    Task<ElectionLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Renews the lease once. Returns the TTL it has from now; <see cref="TimeSpan.Zero"/> when it no longer exists.</summary>
    Task<TimeSpan> KeepAliveAsync(long leaseId, CancellationToken cancellationToken);

    /// <summary>Revokes the lease, deleting every key attached to it. A lease that is already gone is not an error.</summary>
    Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="key"/> = <paramref name="value"/> attached to <paramref name="leaseId"/> if the key does
    /// not exist, atomically, and returns whoever holds the key afterwards: this lease when it won, another one when it
    /// did not. Null when the key vanished between the two steps (campaign again).
    /// </summary>
    Task<ElectionHolder?> CampaignAsync(string key, string value, long leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once <paramref name="key"/> no longer belongs to <paramref name="holder"/>: it was deleted (revoked or
    /// expired lease, <c>etcdctl del</c>) or re-attached to another lease, at a revision after
    /// <see cref="ElectionHolder.ModRevision"/>. Keeps waiting through disconnects.
    /// </summary>
    Task WaitUntilReleasedAsync(string key, ElectionHolder holder, CancellationToken cancellationToken);
}

/// <summary>A granted lease.</summary>
internal readonly record struct ElectionLease(long Id, TimeSpan Ttl);

/// <summary>
/// Who holds an election key: the holder's instance id (the key's value), its lease, and the key's create revision
/// (the term: it only grows, so it orders successive leaders) and mod revision (where to watch from).
/// </summary>
internal sealed record ElectionHolder(string Value, long LeaseId, long CreateRevision, long ModRevision);
