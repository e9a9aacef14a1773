using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Tests.Internal;

public class TimerDurationTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10_000)]                          // one tick: the next whole millisecond
    [InlineData(10_000, 10_000)]                     // already whole
    [InlineData(100_001, 110_000)]                   // 10 ms and a tick: 11 ms
    [InlineData(-5, 0)]                              // negative: at once
    public void ClampNotBefore_RoundsUpToWholeMilliseconds(long ticks, long expected) =>
        Assert.Equal(TimeSpan.FromTicks(expected), TimerDuration.ClampNotBefore(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void ClampNotBefore_InfiniteAndHuge_StayWithinWhatATimerHolds()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, TimerDuration.ClampNotBefore(Timeout.InfiniteTimeSpan));
        Assert.Equal(TimerDuration.Max, TimerDuration.ClampNotBefore(TimerDuration.Max - TimeSpan.FromTicks(1)));
        Assert.Equal(TimerDuration.Max, TimerDuration.ClampNotBefore(TimeSpan.MaxValue));
    }
}
