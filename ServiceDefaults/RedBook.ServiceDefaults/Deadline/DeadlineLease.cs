using Microsoft.Extensions.ObjectPool;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// What one execution of the deadline strategy holds: the cancellation source whose timer fires when the budget
/// runs out, and the shrunk deadline the callee reads. Pooled per strategy, so the success path allocates nothing.
/// </summary>
internal sealed class DeadlineLease
{
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
