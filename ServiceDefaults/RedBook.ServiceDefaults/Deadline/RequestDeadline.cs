using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// An absolute per-request deadline on a <see cref="TimeProvider"/>'s monotonic timestamp clock
/// (<see cref="TimeProvider.GetTimestamp"/>), so tests drive it with a manual clock and a wall-clock jump never
/// moves it. <see langword="default"/> is <see cref="None"/>: no deadline.
/// </summary>
/// <remarks>
/// <para>
/// The ambient deadline (<see cref="Current"/>) flows with the async call chain (an <see cref="AsyncLocal{T}"/>).
/// The server sets it once per request from <c>grpc-timeout</c> with <see cref="Begin(RequestDeadline)"/>; a
/// nested scope can only shorten it, never extend it (the earlier deadline wins, as gRPC's call-context
/// propagation does).
/// </para>
/// <para>
/// Timestamps of different <see cref="TimeProvider"/> instances are not comparable: read and create a deadline
/// with the same provider (in production that is <see cref="TimeProvider.System"/> everywhere).
/// </para>
/// </remarks>
public readonly struct RequestDeadline : IEquatable<RequestDeadline>
{
    private static readonly AsyncLocal<RequestDeadline> s_current = new();

    private readonly long _timestamp;
    private readonly bool _hasValue;

    private RequestDeadline(long timestamp)
    {
        _timestamp = timestamp;
        _hasValue = true;
    }

    /// <summary>No deadline.</summary>
    public static RequestDeadline None => default;

    /// <summary>The ambient deadline of the current async flow, or <see cref="None"/>.</summary>
    public static RequestDeadline Current => s_current.Value;

    /// <summary>True when this is a deadline; false for <see cref="None"/>.</summary>
    public bool HasValue => _hasValue;

    /// <summary>The absolute timestamp of the deadline, or <see cref="long.MaxValue"/> for <see cref="None"/>.</summary>
    public long Timestamp => _hasValue ? _timestamp : long.MaxValue;

    /// <summary>A deadline at the absolute <paramref name="timestamp"/> of a <see cref="TimeProvider"/>.</summary>
    public static RequestDeadline AtTimestamp(long timestamp) => new(timestamp);

    /// <summary>
    /// A deadline <paramref name="timeout"/> from now on <paramref name="timeProvider"/>. A zero or negative timeout
    /// is a deadline that has already passed; <see cref="Timeout.InfiniteTimeSpan"/> is <see cref="None"/>.
    /// </summary>
    public static RequestDeadline After(TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return None;
        }

        var now = timeProvider.GetTimestamp();
        return new(TimestampMath.SaturatingAdd(now, TimestampMath.ToTimestampDelta(timeout, timeProvider)));
    }

    /// <summary>
    /// The time left before the deadline on <paramref name="timeProvider"/>: <see cref="TimeSpan.Zero"/> once it
    /// has passed, <see cref="Timeout.InfiniteTimeSpan"/> for <see cref="None"/>.
    /// </summary>
    public TimeSpan Remaining(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!_hasValue)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = _timestamp - timeProvider.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimestampMath.ToTimeSpan(left, timeProvider);
    }

    /// <summary>True when the deadline has passed on <paramref name="timeProvider"/>; never for <see cref="None"/>.</summary>
    public bool IsExpired(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return _hasValue && timeProvider.GetTimestamp() >= _timestamp;
    }

    /// <summary>The earlier of this deadline and <paramref name="other"/> (<see cref="None"/> is later than any deadline).</summary>
    public RequestDeadline Min(RequestDeadline other)
    {
        if (!other._hasValue)
        {
            return this;
        }

        if (!_hasValue)
        {
            return other;
        }

        return other._timestamp < _timestamp ? other : this;
    }

    /// <summary>
    /// Makes the earlier of <see cref="Current"/> and <paramref name="deadline"/> the ambient deadline until the
    /// returned scope is disposed.
    /// </summary>
    /// <example><code>
    /// using (RequestDeadline.Begin(RequestDeadline.After(timeout, timeProvider)))
    /// {
    ///     await next(context);
    /// }
    /// </code></example>
    public static Scope Begin(RequestDeadline deadline)
    {
        var previous = s_current.Value;
        var next = previous.Min(deadline);
        if (!next.Equals(previous))
        {
            s_current.Value = next;
        }

        return new Scope(previous);
    }

    /// <summary>Makes a deadline <paramref name="timeout"/> from now the ambient one (if earlier) until the scope is disposed.</summary>
    public static Scope Begin(TimeSpan timeout, TimeProvider timeProvider) => Begin(After(timeout, timeProvider));

    /// <inheritdoc />
    public bool Equals(RequestDeadline other) => _hasValue == other._hasValue && _timestamp == other._timestamp;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RequestDeadline other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hasValue ? _timestamp.GetHashCode() : -1;

    /// <inheritdoc />
    public override string ToString() => _hasValue ? $"deadline@{_timestamp}" : "no deadline";

    /// <summary>Equality.</summary>
    public static bool operator ==(RequestDeadline left, RequestDeadline right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RequestDeadline left, RequestDeadline right) => !left.Equals(right);

    /// <summary>Restores the previous ambient deadline when disposed. <see langword="default"/> does nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly RequestDeadline _previous;
        private readonly bool _active;

        internal Scope(RequestDeadline previous)
        {
            _previous = previous;
            _active = true;
        }

        /// <summary>Restores the ambient deadline that was current when the scope began.</summary>
        public void Dispose()
        {
            if (_active && !s_current.Value.Equals(_previous))
            {
                s_current.Value = _previous;
            }
        }
    }
}
