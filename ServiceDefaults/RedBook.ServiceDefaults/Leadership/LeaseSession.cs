using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// One election lease and its keep-alive. The lease is renewed every third of its TTL on a <see cref="TimeProvider"/>
/// timer (a failed renewal is retried sooner, with backoff). <see cref="Lost"/> fires when etcd says the lease is gone,
/// or when no renewal has succeeded by <see cref="LeaderElectionConstants.StepDownFraction"/> × TTL after the last
/// successful renewal was <em>sent</em>: etcd restarted the TTL no earlier than the send, so the session is
/// given up before etcd can expire the lease and let a successor in. A call that hangs (a frozen connection) cannot
/// hold that back: the deadline is a timer of its own, and it cancels the call.
/// </summary>
internal sealed class LeaseSession : IAsyncDisposable
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(100);
    private readonly IElectionBackend _backend;
    private readonly TimeProvider _time;
    private readonly LeadershipLog _log;
    private readonly string _election;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationToken _lostToken;
    private readonly ITimer _renewTimer;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private Task _renewal = Task.CompletedTask;
    private string? _lostReason;
    private int _failures;
    private int _renewing;
    private bool _disposed;

    private LeaseSession(IElectionBackend backend, ElectionLease lease, long grantSent, TimeProvider time, LeadershipLog log, string election)
    {
        _backend = backend;
        _time = time;
        _log = log;
        _election = election;
        LeaseId = lease.Id;
        Ttl = lease.Ttl;
        _interval = TimerDuration.Clamp(lease.Ttl / 3);
        _lost = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _lostToken = _lost.Token;
        Extend(grantSent, lease.Ttl);
        _renewTimer = time.CreateTimer(static s => ((LeaseSession)s!).OnRenewTimer(), this, _interval, Timeout.InfiniteTimeSpan);
    }

    public long LeaseId { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Cancelled when the session can no longer be trusted (see the class summary) or is disposed.</summary>
    public CancellationToken Lost => _lostToken;

    /// <summary>Why the session ended.</summary>
    public string LostReason => Volatile.Read(ref _lostReason) ?? "the session ended";

    /// <summary>Whether etcd itself said the lease no longer exists (nothing left to revoke).</summary>
    public bool LeaseGone { get; private set; }

    /// <summary>Grants a lease of <paramref name="ttl"/> and starts keeping it alive.</summary>
    public static async Task<LeaseSession> StartAsync(IElectionBackend backend, TimeSpan ttl, TimeProvider time, LeadershipLog log, string election, CancellationToken cancellationToken)
    {
        var sent = time.GetTimestamp();
        var lease = await backend.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
        return new LeaseSession(backend, lease, sent, time, log, election);
    }

    public async ValueTask DisposeAsync()
    {
        Task renewal;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            renewal = _renewal;
        }

        await _renewTimer.DisposeAsync().ConfigureAwait(false);
        Lose("the session ended");
        await renewal.ConfigureAwait(false);
        _lost.Dispose();
    }

    private void OnRenewTimer()
    {
        if (_lostToken.IsCancellationRequested || Interlocked.Exchange(ref _renewing, 1) != 0)
        {
            return;
        }

        // Runs on the timer's thread until its first incomplete await (a fake clock's Advance renews synchronously).
        var renewal = RenewAsync();
        lock (_gate)
        {
            _renewal = renewal;
        }
    }

    private async Task RenewAsync()
    {
        TimeSpan? next = null;
        try
        {
            next = await RenewOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                Volatile.Write(ref _renewing, 0);
                if (next is { } delay && !_disposed && !_lostToken.IsCancellationRequested)
                {
                    _renewTimer.Change(TimerDuration.Clamp(delay), Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Renews once; returns when to renew next, or null when the session is over.</summary>
    private async Task<TimeSpan?> RenewOnceAsync()
    {
        var sent = _time.GetTimestamp();
        try
        {
            var remaining = await _backend.KeepAliveAsync(LeaseId, _lostToken).ConfigureAwait(false);
            if (remaining <= TimeSpan.Zero)
            {
                LeaseGone = true;
                Lose("the lease expired or was revoked in etcd");
                return null;
            }

            _failures = 0;
            Extend(sent, remaining);
            return _interval;
        }
        catch (OperationCanceledException) when (_lostToken.IsCancellationRequested)
        {
            return null;
        }
        catch (RedBookException ex)
        {
            _failures++;
            _log.RenewalFailed(_election, LeaseId, ex.Error.Message);
            return TimeSpan.FromTicks(Math.Min(_interval.Ticks, s_firstRetry.Ticks << Math.Min(_failures - 1, 10)));
        }
    }

    /// <summary>Trusts the lease until <see cref="LeaderElectionConstants.StepDownFraction"/> × <paramref name="ttl"/> after <paramref name="sent"/>.</summary>
    private void Extend(long sent, TimeSpan ttl)
    {
        var validFor = ttl * LeaderElectionConstants.StepDownFraction - _time.GetElapsedTime(sent);
        if (validFor <= TimeSpan.Zero)
        {
            Lose($"the renewal took longer than {LeaderElectionConstants.StepDownFraction:P0} of the {ttl} TTL");
            return;
        }

        lock (_gate)
        {
            if (!_disposed && !_lostToken.IsCancellationRequested)
            {
                // Re-arming replaces the previous deadline; the reason is set before the timer can fire.
                Volatile.Write(ref _lostReason, $"no lease renewal succeeded within {LeaderElectionConstants.StepDownFraction:P0} of the {ttl} TTL");
                _lost.CancelAfter(TimerDuration.Clamp(validFor));
            }
        }
    }

    private void Lose(string reason)
    {
        lock (_gate)
        {
            if (_lostToken.IsCancellationRequested)
            {
                return;
            }

            Volatile.Write(ref _lostReason, reason);
        }

        _lost.Cancel();
    }
}
