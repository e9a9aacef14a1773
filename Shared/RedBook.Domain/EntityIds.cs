namespace RedBook.Domain;

/// <summary>
/// Entity ids (notes, comments, follows, products, orders): UUIDv7 as 32 lowercase hex digits. A v7 id starts with
/// its creation time in milliseconds, so ordering by id is ordering by creation time; the keyset cursors and the
/// stores' indexes rely on it.
/// </summary>
public static class EntityIds
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

/// <summary>Clock reads truncated to the millisecond: what every store keeps (BSON dates hold milliseconds).</summary>
public static class DomainClock
{
    /// <summary>The current time of <paramref name="timeProvider"/>, truncated to the millisecond.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
