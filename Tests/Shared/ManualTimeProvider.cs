namespace RedBook.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that only moves when a test calls <see cref="Advance"/>. Timers created from it
/// fire synchronously inside <see cref="Advance"/>, in due-time order, so tests never sleep.
/// (Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider is not available on the offline mirror.)
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, long? DueWithin, TaskCompletionSource Signal)> _timerWaiters = [];
    private DateTimeOffset _now;
    private long _ticks;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start;
        _ticks = 1_000_000_000; // a non-zero origin catches code that treats timestamp 0 as "unset".
    }

    /// <summary>Timestamps are in 100 ns ticks.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _ticks;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>The number of timers that are scheduled and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are scheduled (with <paramref name="dueWithin"/>, only
    /// timers due at most that far from now count, so a long watchdog timeout does not pass for a short delay): an
    /// explicit signal that code under test has reached its next timed wait (e.g. re-armed a delay), so a test never
    /// spins on a guess.
    /// </summary>
    public Task WhenActiveTimersAsync(int count, TimeSpan? dueWithin = null)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var within = dueWithin?.Ticks;
        lock (_gate)
        {
            if (CountActive(within) >= count)
            {
                return Task.CompletedTask;
            }

            _timerWaiters.Add((count, within, signal));
        }

        return signal.Task;
    }

    // Under _gate.
    private int CountActive(long? dueWithin) => _timers.Count(t => t.DueAt is { } due && (dueWithin is null || due - _ticks <= dueWithin));

    private void SignalTimerWaiters()
    {
        List<TaskCompletionSource>? ready = null;
        lock (_gate)
        {
            for (var i = _timerWaiters.Count - 1; i >= 0; i--)
            {
                if (CountActive(_timerWaiters[i].DueWithin) >= _timerWaiters[i].Count)
                {
                    (ready ??= []).Add(_timerWaiters[i].Signal);
                    _timerWaiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(static signal => signal.TrySetResult());
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, each at its own due time.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            target = _ticks + delta.Ticks;
        }

        while (true)
        {
            ManualTimer? next = null;
            lock (_gate)
            {
                foreach (var t in _timers)
                {
                    if (t.DueAt is { } candidate && candidate <= target && (next is null || candidate < next.DueAt))
                    {
                        next = t;
                    }
                }

                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _ticks);
                    _ticks = target;
                    return;
                }

                var due = next.DueAt!.Value;
                if (due > _ticks)
                {
                    _now += TimeSpan.FromTicks(due - _ticks);
                    _ticks = due;
                }

                next.DueAt = next.Period is { } period ? due + Math.Max(1, period) : null;
            }

            next.Fire();
        }
    }

    /// <summary>Sets the wall clock without moving the monotonic timestamp (for clock-jump tests).</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            _now = value;
        }
    }

    /// <summary>The longest due time or period a system timer accepts (<c>Timer.MaxSupportedTimeout</c>, about 49.7 days).</summary>
    public static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimerDelay(dueTime, nameof(dueTime));
        ValidateTimerDelay(period, nameof(period));
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    // The system clock's timers reject what a real timer cannot hold; so does this one, so a test on the manual clock
    // catches a duration that would throw in production.
    private static void ValidateTimerDelay(TimeSpan delay, string name)
    {
        var milliseconds = (long)delay.TotalMilliseconds;
        if (milliseconds < -1 || milliseconds > (long)MaxTimerDelay.TotalMilliseconds)
        {
            throw new ArgumentOutOfRangeException(name, delay, "A timer's due time and period must be Timeout.InfiniteTimeSpan or between 0 and about 49.7 days (the system timer's limit).");
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueAt { get; set; }

        public long? Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateTimerDelay(dueTime, nameof(dueTime));
            ValidateTimerDelay(period, nameof(period));
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + Math.Max(0, dueTime.Ticks);
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
            }

            owner.SignalTimerWaiters();
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
