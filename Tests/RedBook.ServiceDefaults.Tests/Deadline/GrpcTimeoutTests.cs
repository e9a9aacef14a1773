using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Tests.Deadline;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData(1L, "100n")]
    [InlineData(10L, "1000n")]
    [InlineData(10_000L, "1000000n")] // 1 ms
    [InlineData(999_999L, "99999900n")] // the largest nanosecond value
    [InlineData(1_000_000L, "100000u")] // 100 ms
    [InlineData(999_999_990L, "99999999u")]
    [InlineData(1_000_000_000L, "100000m")] // 100 s
    [InlineData(999_999_999_999L, "99999999m")] // truncated, never rounded up
    [InlineData(10_000_000_000_000L, "1000000S")]
    [InlineData(TimeSpan.TicksPerSecond * 99_999_999L, "99999999S")]
    [InlineData(TimeSpan.TicksPerSecond * 100_000_000L, "1666666M")]
    [InlineData(TimeSpan.TicksPerMinute * 100_000_000L, "1666666H")]
    public void Format_PicksFinestUnitThatFits_AndTruncates(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_ZeroOrNegative_IsSmallestPositiveValue()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.MinValue));
    }

    [Fact]
    public void Format_BeyondEightDigitsOfHours_ClampsToMaximum()
    {
        Assert.Equal("99999999H", GrpcTimeout.Format(TimeSpan.MaxValue));
    }

    [Fact]
    public void TryFormat_DestinationTooShort_ReturnsFalse()
    {
        Span<char> small = stackalloc char[4];
        Assert.False(GrpcTimeout.TryFormat(TimeSpan.FromMilliseconds(1), small, out var written));
        Assert.Equal(0, written);

        Span<char> exact = stackalloc char[GrpcTimeout.MaxLength];
        Assert.True(GrpcTimeout.TryFormat(TimeSpan.FromMilliseconds(1), exact, out written));
        Assert.Equal("1000000n", new string(exact[..written]));
    }

    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("199n", 1L)] // truncated to 100 ns, never rounded up
    [InlineData("99n", 0L)]
    [InlineData("0n", 0L)]
    [InlineData("00000001S", 10_000_000L)]
    [InlineData("99999999H", 99_999_999L * 36_000_000_000L)]
    public void Parse_WellFormed_Decodes(string value, long expectedTicks)
    {
        Assert.Equal(TimeSpan.FromTicks(expectedTicks), GrpcTimeout.Parse(value));
        Assert.True(GrpcTimeout.TryParse(value, out var parsed));
        Assert.Equal(TimeSpan.FromTicks(expectedTicks), parsed);
        Assert.Null(GrpcTimeout.Validate(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("5")]
    [InlineData("123456789m")]
    [InlineData("000000000S")]
    [InlineData("-1m")]
    [InlineData("+1m")]
    [InlineData(" 1m")]
    [InlineData("1m ")]
    [InlineData("1 m")]
    [InlineData("\t1m")]
    [InlineData("1.5S")]
    [InlineData("1,5S")]
    [InlineData("1x")]
    [InlineData("1h")]
    [InlineData("1s")]
    [InlineData("1mm")]
    [InlineData("abcS")]
    [InlineData("0x1S")]
    [InlineData("1e3m")]
    [InlineData("\u0661m")] // ARABIC-INDIC DIGIT ONE is a digit to char.IsDigit, not to the wire format
    [InlineData("\uff11S")] // FULLWIDTH DIGIT ONE
    [InlineData("1\u00b5")] // MICRO SIGN is not 'u'
    public void Parse_Malformed_RejectsWithBadRequest(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out var parsed));
        Assert.Equal(TimeSpan.Zero, parsed);

        var ex = Assert.Throws<RedBookException>(() => GrpcTimeout.Parse(value));
        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Equal(WellKnownReasons.BadRequest, ex.Error.Reason);
        Assert.Equal(RedBookHeaders.GrpcTimeout, ex.Error.Metadata[ErrorMetadataKeys.Field]);
        Assert.Contains("grpc-timeout", ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ex.Error.Message, GrpcTimeout.Validate(value)?.Message);
    }

    [Fact]
    public void Parse_NullString_IsEmptyAndRejected()
    {
        string? missing = null;
        var ex = Assert.Throws<RedBookException>(() => GrpcTimeout.Parse(missing));
        Assert.Contains("empty", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VeryLongValue_MessageIsTruncated()
    {
        var value = new string('9', 10_000) + "S";
        var ex = Assert.Throws<RedBookException>(() => GrpcTimeout.Parse(value));
        Assert.True(ex.Error.Message.Length < 400);
    }

    [Fact]
    public void FormatThenParse_OverWholeRange_NeverExtendsAndLosesLessThanOneUnit()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 20_000; i++)
        {
            // log-uniform over 1 tick .. TimeSpan.MaxValue
            var ticks = (long)Math.Min(Math.Exp(random.NextDouble() * Math.Log(long.MaxValue)), long.MaxValue);
            var timeout = TimeSpan.FromTicks(Math.Max(1, ticks));
            var encoded = GrpcTimeout.Format(timeout);

            Assert.InRange(encoded.Length, 2, GrpcTimeout.MaxLength);
            Assert.True(GrpcTimeout.TryParse(encoded, out var decoded), encoded);
            Assert.True(decoded <= timeout, $"{timeout} encoded as {encoded} decoded to {decoded}");
            if (encoded != "99999999H")
            {
                Assert.True(timeout - decoded < UnitOf(encoded[^1]), $"{timeout} encoded as {encoded} lost too much");
            }
        }
    }

    [Fact]
    public void FormatThenParse_UpToNanosecondLimit_IsExact()
    {
        for (long ticks = 1; ticks <= 999_999; ticks += 7)
        {
            var timeout = TimeSpan.FromTicks(ticks);
            Assert.Equal(timeout, GrpcTimeout.Parse(GrpcTimeout.Format(timeout)));
        }
    }

    [Fact]
    public void ParseFormatParse_EveryUnitAndRandomValues_IsStable()
    {
        var random = new Random(7);
        foreach (var unit in "HMSmun")
        {
            for (var i = 0; i < 2_000; i++)
            {
                var digits = random.Next(1, 9);
                var value = random.NextInt64(0, (long)Math.Pow(10, digits));
                var wire = value.ToString(System.Globalization.CultureInfo.InvariantCulture) + unit;
                var first = GrpcTimeout.Parse(wire);
                if (first <= TimeSpan.Zero)
                {
                    continue; // zero re-encodes as 1n by design.
                }

                Assert.Equal(first, GrpcTimeout.Parse(GrpcTimeout.Format(first)));
            }
        }
    }

    private static TimeSpan UnitOf(char unit) => unit switch
    {
        'n' => TimeSpan.FromTicks(1),
        'u' => TimeSpan.FromTicks(10),
        'm' => TimeSpan.FromMilliseconds(1),
        'S' => TimeSpan.FromSeconds(1),
        'M' => TimeSpan.FromMinutes(1),
        'H' => TimeSpan.FromHours(1),
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };
}
