using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Leadership;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Leadership;

/// <summary>
/// The part of etcd that leader election uses, in memory on a fake clock: leases that expire when their TTL passes
/// without a renewal (deleting their keys), keys with create and mod revisions, a create-if-absent campaign, and
/// waits that complete when a key is released. Every answer and every wake-up completes synchronously (plain
/// TaskCompletionSources, no WaitAsync), so a fake clock's Advance drives the whole election deterministically (every await here is ConfigureAwait(false), so nothing waits for the test's
/// synchronization context).
/// </summary>
internal sealed class InMemoryEtcd(FakeTimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Lease> _leases = [];
    private readonly Dictionary<string, ElectionHolder> _keys = new(StringComparer.Ordinal);
    private readonly List<(string Key, ElectionHolder Holder, TaskCompletionSource Released)> _waiters = [];
    private long _revision = 1;
    private long _nextLease = 7000;

    public FakeTimeProvider Time { get; } = time;

    /// <summary>One client of this etcd, with a network a test can break.</summary>
    public InMemoryElectionBackend Client() => new(this);

    public ElectionHolder? Get(string key)
    {
        lock (_gate)
        {
            return _keys.GetValueOrDefault(key);
        }
    }

    public bool LeaseExists(long id)
    {
        lock (_gate)
        {
            return _leases.ContainsKey(id);
        }
    }

    /// <summary>An operator's <c>etcdctl del</c>; the watchers react before this returns.</summary>
    public void Delete(string key) => WithoutSyncContext.Run(() => DeleteCore(key));

    /// <summary>An operator's <c>etcdctl lease revoke</c>; the watchers react before this returns.</summary>
    public void Revoke(long id) => WithoutSyncContext.Run(() => RevokeCore(id));

    private void DeleteCore(string key)
    {
        lock (_gate)
        {
            if (_keys.Remove(key))
            {
                _revision++;
            }
        }

        WakeWaiters();
    }

    internal void RevokeCore(long id)
    {
        lock (_gate)
        {
            if (!_leases.Remove(id, out var lease))
            {
                return;
            }

            lease.Timer.Dispose();
            foreach (var key in _keys.Where(k => k.Value.LeaseId == id).Select(k => k.Key).ToList())
            {
                _keys.Remove(key);
                _revision++;
            }
        }

        WakeWaiters();
    }

    internal ElectionLease Grant(TimeSpan ttl)
    {
        lock (_gate)
        {
            var id = ++_nextLease;
            var seconds = TimeSpan.FromSeconds(Math.Ceiling(ttl.TotalSeconds));
            var timer = Time.CreateTimer(static s => ((Expiry)s!).Fire(), new Expiry(this, id), seconds, Timeout.InfiniteTimeSpan);
            _leases[id] = new Lease(seconds, timer);
            return new ElectionLease(id, seconds);
        }
    }

    internal TimeSpan KeepAlive(long id)
    {
        lock (_gate)
        {
            if (!_leases.TryGetValue(id, out var lease))
            {
                return TimeSpan.Zero;
            }

            lease.Timer.Change(lease.Ttl, Timeout.InfiniteTimeSpan);
            return lease.Ttl;
        }
    }

    internal ElectionHolder Campaign(string key, string value, long leaseId)
    {
        lock (_gate)
        {
            if (!_leases.ContainsKey(leaseId))
            {
                throw new RedBookException(new RedBookError(ErrorCode.NotFound, EtcdReasons.LeaseNotFound, $"etcd rejected /v3/kv/txn: lease {leaseId} not found."));
            }

            if (!_keys.TryGetValue(key, out var holder))
            {
                _revision++;
                holder = _keys[key] = new ElectionHolder(value, leaseId, _revision, _revision);
            }

            return holder;
        }
    }

    internal Task WaitUntilReleased(string key, ElectionHolder holder, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Holds(key, holder))
            {
                return Task.CompletedTask;
            }

            // Synchronous continuations: the watcher reacts inside the Advance or the call that released the key.
            var released = new TaskCompletionSource();
            _waiters.Add((key, holder, released));
            cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), released);
            return released.Task;
        }
    }

    private bool Holds(string key, ElectionHolder holder) =>
        _keys.TryGetValue(key, out var current) && current.LeaseId == holder.LeaseId && current.CreateRevision == holder.CreateRevision;

    private void WakeWaiters()
    {
        List<TaskCompletionSource> wake;
        lock (_gate)
        {
            wake = _waiters.Where(w => !Holds(w.Key, w.Holder)).Select(w => w.Released).ToList();
            _waiters.RemoveAll(w => !Holds(w.Key, w.Holder));
        }

        foreach (var released in wake)
        {
            released.TrySetResult();
        }
    }

    private sealed record Lease(TimeSpan Ttl, ITimer Timer);

    private sealed class Expiry(InMemoryEtcd etcd, long id)
    {
        public void Fire() => etcd.RevokeCore(id);
    }
}

/// <summary>How one client reaches the in-memory etcd.</summary>
internal enum Network
{
    /// <summary>Calls are answered.</summary>
    Up,

    /// <summary>Calls fail at once with UNAVAILABLE (connection refused).</summary>
    Down,

    /// <summary>Calls hang until cancelled, and watches see nothing (a frozen connection).</summary>
    Frozen,
}

/// <summary>One client's view of <see cref="InMemoryEtcd"/>, with a network a test can break and a latency.</summary>
internal sealed class InMemoryElectionBackend(InMemoryEtcd etcd) : IElectionBackend
{
    public Network Network { get; set; } = Network.Up;

    /// <summary>How long (fake time) each answer takes to come back.</summary>
    public TimeSpan Latency { get; set; }

    public int KeepAlives { get; private set; }

    /// <summary>Whether this client is waiting for a key to be released (following, or leading).</summary>
    public bool IsWatching => Volatile.Read(ref _watching) > 0;

    private int _watching;

    public int Grants => Volatile.Read(ref _grants);

    private int _grants;

    public async Task<ElectionLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _grants);
        await PassAsync(cancellationToken).ConfigureAwait(false);
        return etcd.Grant(ttl);
    }

    public async Task<TimeSpan> KeepAliveAsync(long leaseId, CancellationToken cancellationToken)
    {
        KeepAlives++;
        await PassAsync(cancellationToken).ConfigureAwait(false);
        return etcd.KeepAlive(leaseId);
    }

    public async Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken).ConfigureAwait(false);
        etcd.RevokeCore(leaseId);
    }

    public async Task<ElectionHolder?> CampaignAsync(string key, string value, long leaseId, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken).ConfigureAwait(false);
        return etcd.Campaign(key, value, leaseId);
    }

    public async Task WaitUntilReleasedAsync(string key, ElectionHolder holder, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _watching);
        try
        {
            await etcd.WaitUntilReleased(key, holder, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _watching);
        }

        if (Network != Network.Up)
        {
            await HangAsync(cancellationToken).ConfigureAwait(false); // the release happened, but this client cannot hear of it
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (Network)
        {
            case Network.Down:
                throw new RedBookException(new RedBookError(ErrorCode.Unavailable, EtcdReasons.Unavailable, "etcd is unreachable (test)."));
            case Network.Frozen:
                await HangAsync(cancellationToken).ConfigureAwait(false);
                break;
        }

        if (Latency > TimeSpan.Zero)
        {
            var answered = new TaskCompletionSource();
            using var timer = etcd.Time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), answered, Latency, Timeout.InfiniteTimeSpan);
            using var registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), answered);
            await answered.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Never answers; ends (cancelled) only when the caller gives up, as a call on a frozen connection does.</summary>
    private static async Task HangAsync(CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource();
        using var registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), never);
        await never.Task.ConfigureAwait(false);
    }
}
