using System.Globalization;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// The <c>grpc-timeout</c> wire format (gRPC <c>PROTOCOL-HTTP2.md</c>): one to eight ASCII digits followed by a
/// unit, <c>H</c> hours, <c>M</c> minutes, <c>S</c> seconds, <c>m</c> milliseconds, <c>u</c> microseconds,
/// <c>n</c> nanoseconds.
/// </summary>
/// <remarks>
/// <para>
/// <b>Encoding</b> picks the finest unit whose value fits in eight digits and <b>truncates</b> (rounds toward
/// zero), so the timeout sent downstream is never longer than the one we hold: a deadline is never extended.
/// The error is below one unit of the chosen unit, i.e. below one part in 10^7. grpc-dotnet
/// (<c>GrpcProtocolHelpers.EncodeTimeout</c>) instead rounds milliseconds <i>up</i> to three significant
/// figures, which can lengthen a timeout by up to 1%; we keep full precision and never round up.
/// A zero or negative timeout (already expired) is written as <c>1n</c>, the smallest positive value, as
/// grpc-dotnet does, because the format has no zero. Timeouts longer than <c>99999999H</c> (about 11,400 years)
/// are clamped to it.
/// </para>
/// <para>
/// <b>Decoding</b> is strict: anything but one to eight ASCII digits and one of the six units is rejected
/// (empty, nine or more digits, unknown unit, a sign, whitespace, a decimal point). A value of zero is accepted
/// and means "already expired". Nanoseconds are truncated to the 100 ns resolution of <see cref="TimeSpan"/>,
/// again toward zero.
/// </para>
/// </remarks>
public static class GrpcTimeout
{
    /// <summary>The longest encoded value: eight digits and a unit.</summary>
    public const int MaxLength = MaxDigits + 1;

    /// <summary>The most digits a value may have.</summary>
    public const int MaxDigits = 8;

    /// <summary>The largest number the format can carry in one unit.</summary>
    public const long MaxValue = 99_999_999;

    private const long TicksPerMicrosecond = 10;
    private const long TicksPerMillisecond = TimeSpan.TicksPerMillisecond;
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const long TicksPerHour = TimeSpan.TicksPerHour;

    /// <summary>Encodes <paramref name="timeout"/> (see the type remarks for the rounding rule).</summary>
    public static string Format(TimeSpan timeout)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        TryFormat(timeout, buffer, out var written);
        return new string(buffer[..written]);
    }

    /// <summary>
    /// Encodes <paramref name="timeout"/> into <paramref name="destination"/> without allocating. Returns false only
    /// when <paramref name="destination"/> is shorter than needed (<see cref="MaxLength"/> always suffices).
    /// </summary>
    public static bool TryFormat(TimeSpan timeout, Span<char> destination, out int charsWritten)
    {
        var (value, unit) = Encode(timeout.Ticks);
        if (!value.TryFormat(destination, out var digits, default, CultureInfo.InvariantCulture) || digits >= destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        destination[digits] = unit;
        charsWritten = digits + 1;
        return true;
    }

    /// <summary>
    /// Decodes a <c>grpc-timeout</c> value. Throws a <see cref="RedBookException"/> with
    /// <see cref="ErrorCode.InvalidArgument"/>, reason <see cref="WellKnownReasons.BadRequest"/> and metadata
    /// <c>field = grpc-timeout</c> when the value is malformed.
    /// </summary>
    /// <exception cref="RedBookException">The value is malformed.</exception>
    public static TimeSpan Parse(ReadOnlySpan<char> value)
    {
        if (TryParseCore(value, out var timeout, out var problem))
        {
            return timeout;
        }

        throw new RedBookException(CreateError(value, problem!));
    }

    /// <summary>Decodes a <c>grpc-timeout</c> value without allocating; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout) => TryParseCore(value, out timeout, out _);

    /// <summary>The error that <see cref="Parse"/> raises for a malformed <paramref name="value"/>, or null when it is well formed.</summary>
    public static RedBookError? Validate(ReadOnlySpan<char> value)
        => TryParseCore(value, out _, out var problem) ? null : CreateError(value, problem!);

    private static RedBookError CreateError(ReadOnlySpan<char> value, string problem)
    {
        var shown = value.Length > 32 ? string.Concat(value[..32], "...") : value.ToString();
        return new RedBookError(
            ErrorCode.InvalidArgument,
            WellKnownReasons.BadRequest,
            $"Header '{RedBookHeaders.GrpcTimeout}' value '{shown}' is malformed: {problem}. Expected 1 to 8 ASCII digits followed by one unit of H, M, S, m, u, n (e.g. '250m').",
            new Dictionary<string, string> { [ErrorMetadataKeys.Field] = RedBookHeaders.GrpcTimeout });
    }

    private static (long Value, char Unit) Encode(long ticks)
    {
        if (ticks <= 0)
        {
            return (1, 'n');
        }

        // Finest unit first; integer division truncates toward zero, so the encoded timeout is never longer.
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100, 'n');
        }

        if (ticks / TicksPerMicrosecond <= MaxValue)
        {
            return (ticks / TicksPerMicrosecond, 'u');
        }

        if (ticks / TicksPerMillisecond <= MaxValue)
        {
            return (ticks / TicksPerMillisecond, 'm');
        }

        if (ticks / TicksPerSecond <= MaxValue)
        {
            return (ticks / TicksPerSecond, 'S');
        }

        if (ticks / TicksPerMinute <= MaxValue)
        {
            return (ticks / TicksPerMinute, 'M');
        }

        return (Math.Min(ticks / TicksPerHour, MaxValue), 'H');
    }

    private static bool TryParseCore(ReadOnlySpan<char> value, out TimeSpan timeout, out string? problem)
    {
        timeout = default;
        if (value.IsEmpty)
        {
            problem = "the value is empty";
            return false;
        }

        if (value.Length == 1)
        {
            problem = "there are no digits before the unit";
            return false;
        }

        var digits = value[..^1];
        if (digits.Length > MaxDigits)
        {
            problem = "it has more than 8 digits";
            return false;
        }

        long number = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                problem = "only ASCII digits may precede the unit (no sign, whitespace or decimal point)";
                return false;
            }

            number = (number * 10) + (c - '0');
        }

        long ticks;
        switch (value[^1])
        {
            case 'H':
                ticks = number * TicksPerHour;
                break;
            case 'M':
                ticks = number * TicksPerMinute;
                break;
            case 'S':
                ticks = number * TicksPerSecond;
                break;
            case 'm':
                ticks = number * TicksPerMillisecond;
                break;
            case 'u':
                ticks = number * TicksPerMicrosecond;
                break;
            case 'n':
                ticks = number / 100;
                break;
            default:
                problem = "the unit is not one of H, M, S, m, u, n";
                return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        problem = null;
        return true;
    }
}
