namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// The one gate every duration passes before it reaches a timer (<c>CancellationTokenSource(TimeSpan, …)</c>,
/// <c>CancelAfter</c>, <c>Task.Delay</c>, <c>WaitAsync</c>, <c>ITimer.Change</c>). A .NET timer holds at most
/// <see cref="Max"/> (2^32 − 2 ms, about 49.7 days) and throws <see cref="ArgumentOutOfRangeException"/> for anything
/// longer or negative; a duration parsed from the wire (<c>grpc-timeout</c> goes up to 99,999,999 hours, a pushback
/// header to <see cref="long.MaxValue"/> ms, an etcd lease TTL to 285 years) or set in code must never get there.
/// </summary>
internal static class TimerDuration
{
    /// <summary>The longest delay a .NET timer accepts (<c>Timer.MaxSupportedTimeout</c>).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// <paramref name="duration"/> within what a timer holds: longer than <see cref="Max"/> becomes <see cref="Max"/>
    /// (shortening is the safe direction for a deadline: it is never extended), negative becomes zero, and
    /// <see cref="Timeout.InfiniteTimeSpan"/> stays: it means no timer. Compute a delay as
    /// <c>Math.Max(0, …)</c> first where −1 ms could come out of arithmetic.
    /// </summary>
    public static TimeSpan Clamp(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return duration == Timeout.InfiniteTimeSpan ? duration : TimeSpan.Zero;
        }

        return duration < Max ? duration : Max;
    }

    /// <summary>
    /// <see cref="Clamp"/> for a delay the timer must not fire before: a timer counts whole milliseconds and drops the
    /// rest, so the delay is first rounded up to the next whole millisecond.
    /// </summary>
    public static TimeSpan ClampNotBefore(TimeSpan duration)
    {
        var remainder = duration.Ticks % TimeSpan.TicksPerMillisecond;
        return Clamp(duration > TimeSpan.Zero && remainder != 0 && duration < Max ? duration + TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - remainder) : duration);
    }

    /// <summary>A source cancelled after <paramref name="delay"/> (clamped) on <paramref name="timeProvider"/>.</summary>
    public static CancellationTokenSource CancelAfter(TimeSpan delay, TimeProvider timeProvider) => new(Clamp(delay), timeProvider);

    /// <summary><see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> with <paramref name="delay"/> clamped.</summary>
    public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Task.Delay(Clamp(delay), timeProvider, cancellationToken);
}
