using System.Text;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// <see cref="IElectionBackend"/> over RedBook's etcd client: the one place where leader election speaks etcd.
/// The campaign is one transaction, <c>if mod_revision(key) == 0 then put(key, value, lease) else range(key)</c>
/// (a key that does not exist has mod and create revision 0, so this is "create only if absent"), then a range that
/// reads the holder's create revision. Waiting is a watch on the key from the revision after the holder's last change.
/// </summary>
internal sealed class EtcdElectionBackend(EtcdClient client) : IElectionBackend
{
    public async Task<ElectionLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        var lease = await client.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
        return new ElectionLease(lease.Id, lease.Ttl);
    }

    public Task<TimeSpan> KeepAliveAsync(long leaseId, CancellationToken cancellationToken) =>
        client.KeepAliveOnceAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken) =>
        client.RevokeLeaseAsync(leaseId, cancellationToken);

    public async Task<ElectionHolder?> CampaignAsync(string key, string value, long leaseId, CancellationToken cancellationToken)
    {
        var (created, current) = await client.CompareAndSwapAsync(key, expectedModRevision: 0, Encoding.UTF8.GetBytes(value), leaseId, cancellationToken).ConfigureAwait(false);
        if (!created && current is not null)
        {
            return ToHolder(current);
        }

        // Created (or gone again before the failure branch read it): read the key for its create revision, the term.
        var read = await client.RangeAsync(key, prefix: false, cancellationToken).ConfigureAwait(false);
        return read.Kvs.Count == 0 ? null : ToHolder(read.Kvs[0]);
    }

    public async Task WaitUntilReleasedAsync(string key, ElectionHolder holder, CancellationToken cancellationToken)
    {
        await foreach (var update in client.WatchAsync(key, prefix: false, holder.ModRevision + 1, cancellationToken).ConfigureAwait(false))
        {
            if (update.IsSnapshot)
            {
                // The history was compacted while disconnected: judge by the key as it is now.
                if (update.Snapshot!.Count == 0 || update.Snapshot[0].Lease != holder.LeaseId || update.Snapshot[0].CreateRevision != holder.CreateRevision)
                {
                    return;
                }

                continue;
            }

            foreach (var e in update.Events)
            {
                if (e.Type == EtcdEventType.Delete || e.Kv.Lease != holder.LeaseId)
                {
                    return;
                }
            }
        }
    }

    private static ElectionHolder ToHolder(EtcdKeyValue kv) =>
        new(EtcdKeyValue.TryDecode(kv.Value, out var text) ? text : string.Empty, kv.Lease, kv.CreateRevision, kv.ModRevision);
}
