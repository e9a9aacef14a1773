namespace RedBook.Messaging;

/// <summary>Exponential backoff shared by the relay and the consumer host.</summary>
internal static class Backoffs
{
    /// <summary><paramref name="min"/> × 2^(failures-1), at most <paramref name="max"/>; <paramref name="min"/> for one failure or fewer.</summary>
    public static TimeSpan Exponential(int failures, TimeSpan min, TimeSpan max)
    {
        if (failures <= 1)
        {
            return min;
        }

        // 2^20 × 10 ms is already past any max; the cap keeps the shift from overflowing.
        var factor = 1L << Math.Min(failures - 1, 20);
        var ticks = min.Ticks > max.Ticks / factor ? max.Ticks : min.Ticks * factor;
        return TimeSpan.FromTicks(Math.Min(ticks, max.Ticks));
    }
}
