using Microsoft.Extensions.ObjectPool;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// What one execution of the deadline strategy holds: the cancellation source whose timer fires when the budget
/// runs out, and the shrunk deadline the callee reads. Pooled per strategy, so the success path allocates nothing.
/// </summary>
internal sealed class DeadlineLease
{
    // One lease per thread in front of the strategy's pool: taking and giving it back costs no interlocked operation
    // (the pool's Get and Return cost one each). A lease only serves a strategy on the same clock.
    [ThreadStatic]
    private static DeadlineLease? s_local;

    private readonly TimeProvider _timeProvider;

    public DeadlineLease(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        Source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
    }

    public CancellationTokenSource Source { get; private set; }

    public RequestDeadline Deadline { get; set; }

    /// <summary>The token the caller passed in (the strategy links it into <see cref="Source"/>).</summary>
    public CancellationToken CallerToken { get; set; }

    /// <summary>The lease of an enclosing deadline strategy on the same context, if any.</summary>
    public DeadlineLease? Outer { get; set; }

    /// <summary>True when this lease's budget (or an enclosing one's) ran out, as opposed to the caller cancelling.</summary>
    public bool HasElapsed()
    {
        for (var lease = this; lease is not null; lease = lease.Outer)
        {
            if (lease.Source.IsCancellationRequested && !lease.CallerToken.IsCancellationRequested)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>This thread's idle lease on <paramref name="timeProvider"/>'s clock, or null.</summary>
    public static DeadlineLease? TryRentLocal(TimeProvider timeProvider)
    {
        var lease = s_local;
        if (lease is not null && ReferenceEquals(lease._timeProvider, timeProvider))
        {
            s_local = null;
            return lease;
        }

        return null;
    }

    /// <summary>Resets the lease and keeps it as this thread's idle lease; false (nothing done) when the thread has one.</summary>
    public bool TryReturnLocal()
    {
        if (s_local is not null)
        {
            return false;
        }

        Reset();
        s_local = this;
        return true;
    }

    /// <summary>Makes the lease reusable: resets the source, or replaces it when it was cancelled.</summary>
    public void Reset()
    {
        Deadline = RequestDeadline.None;
        CallerToken = default;
        Outer = null;
        if (!Source.TryReset())
        {
            Source.Dispose();
            Source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        }
    }

    /// <summary>The pool policy: create with the strategy's clock, reset on return.</summary>
    public sealed class Policy(TimeProvider timeProvider) : IPooledObjectPolicy<DeadlineLease>
    {
        public DeadlineLease Create() => new(timeProvider);

        public bool Return(DeadlineLease obj)
        {
            obj.Reset();
            return true;
        }
    }
}
