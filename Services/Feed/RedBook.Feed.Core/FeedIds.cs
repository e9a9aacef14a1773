namespace RedBook.Feed.Core;

/// <summary>
/// Ids of notes, comments and follows: UUIDv7 as 32 lowercase hex digits. A v7 id starts with its creation time in
/// milliseconds, so ordering by id is ordering by creation time; the cursors and indexes rely on it.
/// </summary>
public static class FeedIds
{
    /// <summary>A new time-ordered id for the current time of <paramref name="timeProvider"/>.</summary>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
    }

    /// <summary>True for 32 lowercase hex digits (the form <see cref="New"/> writes).</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 32 } && value.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}

/// <summary>The feed's clock reads, truncated to the millisecond: what both stores keep (BSON dates hold milliseconds).</summary>
internal static class FeedClock
{
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
