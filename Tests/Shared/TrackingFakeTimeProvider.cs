using Microsoft.Extensions.Time.Testing;

namespace RedBook.Testing;

/// <summary>
/// <see cref="FakeTimeProvider"/> plus what some tests need and it does not do (docs/testing.md):
/// <list type="bullet">
/// <item><see cref="Advance"/> fires every timer that falls due on the way at its own due time, in due order, so a
/// timer that code re-arms from its callback (a back-off, a refresh loop) runs its whole chain within one advance.
/// FakeTimeProvider 10.11 moves the clock to the end first: each callback sees the final time, and a re-arm from it
/// lands after the advance.</item>
/// <item><see cref="ActiveTimers"/>: how many timers are armed, so a test can assert that code left none behind.</item>
/// <item><see cref="WhenActiveTimersAsync"/>: a signal once code under test has armed its next timer, so a test
/// advances the clock only when the code waits, instead of spinning or sleeping on a guess.</item>
/// </list>
/// The clock itself, timestamps and the timer-duration limit (2^32-2 ms, as a real timer) are FakeTimeProvider's.
/// </summary>
public sealed class TrackingFakeTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private readonly List<(int Count, TimeSpan? DueWithin, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>The number of timers that are scheduled to fire and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return CountActive(dueWithin: null);
            }
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are armed. With <paramref name="dueWithin"/>, only timers
    /// due at most that far from now count, so a long watchdog timeout does not pass for a short delay.
    /// </summary>
    public Task WhenActiveTimersAsync(int count, TimeSpan? dueWithin = null)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (CountActive(dueWithin) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, dueWithin, signal));
        }

        return signal.Task;
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, each at its own due time.</summary>
    public new void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        var target = GetUtcNow() + delta;
        while (true)
        {
            DateTimeOffset? next = null;
            lock (_gate)
            {
                foreach (var timer in _timers)
                {
                    if (timer.DueAt is { } due && due <= target && (next is null || due < next))
                    {
                        next = due;
                    }
                }
            }

            if (next is not { } step)
            {
                SetUtcNow(target);
                return;
            }

            var now = GetUtcNow();
            SetUtcNow(step > now ? step : now); // FakeTimeProvider fires what is due by then
            lock (_gate)
            {
                if (step <= now && _timers.Any(t => t.DueAt == step))
                {
                    throw new InvalidOperationException($"A timer due at {step:O} did not fire at {now:O}.");
                }
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
            timer.Arm(dueTime, period, GetUtcNow());
        }

        try
        {
            // FakeTimeProvider validates the durations and fires a zero due time at once, through Fire.
            timer.Inner = base.CreateTimer(static s => ((TrackedTimer)s!).Fire(), timer, dueTime, period);
        }
        catch
        {
            lock (_gate)
            {
                _timers.Remove(timer);
            }

            throw;
        }

        SignalWaiters();
        return timer;
    }

    // Under _gate.
    private int CountActive(TimeSpan? dueWithin)
    {
        var now = GetUtcNow();
        return _timers.Count(t => t.DueAt is { } due && (dueWithin is null || due - now <= dueWithin));
    }

    private void SignalWaiters()
    {
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (CountActive(_waiters[i].DueWithin) >= _waiters[i].Count)
                {
                    (ready ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(static signal => signal.TrySetResult());
    }

    private sealed class TrackedTimer(TrackingFakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan? _period;

        public ITimer? Inner { get; set; }

        public DateTimeOffset? DueAt { get; private set; }

        // Under owner._gate. FakeTimeProvider counts whole milliseconds; so does this.
        public void Arm(TimeSpan dueTime, TimeSpan period, DateTimeOffset now)
        {
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + TimeSpan.FromMilliseconds((long)dueTime.TotalMilliseconds);
            _period = period == Timeout.InfiniteTimeSpan || (long)period.TotalMilliseconds == 0 ? null : TimeSpan.FromMilliseconds((long)period.TotalMilliseconds);
        }

        public void Fire()
        {
            lock (owner._gate)
            {
                // FakeTimeProvider sets the clock to this timer's due time before it calls back.
                DueAt = _period is { } period ? owner.GetUtcNow() + period : null;
            }

            callback(state);
            owner.SignalWaiters();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DateTimeOffset? dueAt;
            TimeSpan? previousPeriod;
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                (dueAt, previousPeriod) = (DueAt, _period);
                Arm(dueTime, period, owner.GetUtcNow());
            }

            try
            {
                if (!Inner!.Change(dueTime, period))
                {
                    return false;
                }
            }
            catch
            {
                lock (owner._gate)
                {
                    (DueAt, _period) = (dueAt, previousPeriod);
                }

                throw;
            }

            owner.SignalWaiters();
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }

            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
