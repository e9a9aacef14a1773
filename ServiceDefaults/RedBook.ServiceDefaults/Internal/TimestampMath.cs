namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// Conversions between <see cref="TimeSpan"/> and <see cref="TimeProvider"/> timestamp units, saturating instead of
/// overflowing, so a deadline far in the future never wraps into the past.
/// </summary>
internal static class TimestampMath
{
    /// <summary>The number of timestamp units in <paramref name="duration"/> on <paramref name="timeProvider"/>'s clock.</summary>
    public static long ToTimestampDelta(TimeSpan duration, TimeProvider timeProvider)
    {
        var frequency = timeProvider.TimestampFrequency;
        if (frequency == TimeSpan.TicksPerSecond)
        {
            return duration.Ticks;
        }

        var value = duration.Ticks * (frequency / (double)TimeSpan.TicksPerSecond);
        if (value >= long.MaxValue / 4)
        {
            return long.MaxValue / 4;
        }

        if (value <= long.MinValue / 4)
        {
            return long.MinValue / 4;
        }

        return (long)value;
    }

    /// <summary>The duration of <paramref name="delta"/> timestamp units on <paramref name="timeProvider"/>'s clock.</summary>
    public static TimeSpan ToTimeSpan(long delta, TimeProvider timeProvider)
    {
        var frequency = timeProvider.TimestampFrequency;
        if (frequency == TimeSpan.TicksPerSecond)
        {
            return TimeSpan.FromTicks(delta);
        }

        var ticks = delta * ((double)TimeSpan.TicksPerSecond / frequency);
        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return TimeSpan.MaxValue;
        }

        if (ticks <= TimeSpan.MinValue.Ticks)
        {
            return TimeSpan.MinValue;
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary><paramref name="timestamp"/> + <paramref name="delta"/>, saturated to the long range.</summary>
    public static long SaturatingAdd(long timestamp, long delta)
    {
        var sum = unchecked(timestamp + delta);
        if (((timestamp ^ sum) & (delta ^ sum)) < 0)
        {
            return delta > 0 ? long.MaxValue : long.MinValue;
        }

        return sum;
    }
}
