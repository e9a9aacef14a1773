namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// One term of leadership held by this instance. <see cref="LostToken"/> is cancelled the moment the instance must
/// stop acting as leader: its lease could not be renewed in time, the lease or the key is gone, or it resigned. Work
/// done as leader links its cancellation to it and stamps what it writes with <see cref="Term"/> (the fencing token)
/// where the store can reject a stale term.
/// </summary>
#pragma warning disable CA1001 // The token must stay readable after the leadership ended; a CTS without a timer holds nothing to release.
public sealed class LeaderTerm
#pragma warning restore CA1001
{
    private readonly CancellationTokenSource _lost = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource? _released;
    private int _holds;

    internal LeaderTerm(string election, string instanceId, long term, DateTimeOffset acquiredAt)
    {
        Election = election;
        InstanceId = instanceId;
        Term = term;
        AcquiredAt = acquiredAt;
    }

    /// <summary>The election's name.</summary>
    public string Election { get; }

    /// <summary>This instance's id, the value of the election key.</summary>
    public string InstanceId { get; }

    /// <summary>
    /// The fencing token: the create revision of the election key in etcd. Every new leader's term is greater than
    /// every earlier leader's, so a store that remembers the highest term it has seen can reject a deposed leader's
    /// late write. Without etcd it is 1.
    /// </summary>
    public long Term { get; }

    /// <summary>When this instance became leader (its own clock).</summary>
    public DateTimeOffset AcquiredAt { get; }

    /// <summary>Cancelled when this leadership ends.</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Whether this leadership has ended.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>When this leadership ended (its own clock), or null while it lasts.</summary>
    public DateTimeOffset? LostAt { get; private set; }

    /// <summary>Why this leadership ended, or null while it lasts.</summary>
    public string? LostReason { get; private set; }

    /// <summary>
    /// Marks work in progress for this leadership (one job run, one relay round). A graceful resign waits until every
    /// hold is disposed (up to <see cref="LeaderElectionOptions.ResignTimeout"/>) before it releases the key, so the
    /// successor starts after the work stopped. Returns null when the leadership has already ended: don't start.
    /// </summary>
    public IDisposable? TryHold()
    {
        lock (_gate)
        {
            if (IsLost)
            {
                return null;
            }

            _holds++;
            return new Hold(this);
        }
    }

    /// <summary>Ends the leadership and records why. Returns false when it had already ended (the first reason wins).</summary>
    internal bool End(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (LostReason is not null)
            {
                return false;
            }

            LostReason = reason;
            LostAt = at;
        }

        _lost.Cancel();
        return true;
    }

    /// <summary>Completes when the leadership has ended and every hold is released.</summary>
    internal Task WhenReleasedAsync()
    {
        lock (_gate)
        {
            if (_holds == 0)
            {
                return Task.CompletedTask;
            }

            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _released.Task;
        }
    }

    private void Release()
    {
        TaskCompletionSource? released = null;
        lock (_gate)
        {
            if (--_holds == 0)
            {
                released = _released;
            }
        }

        released?.TrySetResult();
    }

    private sealed class Hold(LeaderTerm owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
