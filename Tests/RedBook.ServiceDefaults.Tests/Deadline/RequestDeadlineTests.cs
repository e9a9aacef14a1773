using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Deadline;

namespace RedBook.ServiceDefaults.Tests.Deadline;

public class RequestDeadlineTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void None_HasNoDeadline_AndInfiniteRemaining()
    {
        Assert.False(RequestDeadline.None.HasValue);
        Assert.Equal(Timeout.InfiniteTimeSpan, RequestDeadline.None.Remaining(_time));
        Assert.False(RequestDeadline.None.IsExpired(_time));
        Assert.Equal(long.MaxValue, RequestDeadline.None.Timestamp);
        Assert.Equal(RequestDeadline.None, default);
    }

    [Fact]
    public void Remaining_AsClockAdvances_ShrinksToZero()
    {
        var deadline = RequestDeadline.After(TimeSpan.FromMilliseconds(100), _time);
        Assert.Equal(TimeSpan.FromMilliseconds(100), deadline.Remaining(_time));

        _time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(70), deadline.Remaining(_time));
        Assert.False(deadline.IsExpired(_time));

        _time.Advance(TimeSpan.FromMilliseconds(70));
        Assert.Equal(TimeSpan.Zero, deadline.Remaining(_time));
        Assert.True(deadline.IsExpired(_time));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, deadline.Remaining(_time));
    }

    [Fact]
    public void Remaining_WallClockJumps_DoesNotMove()
    {
        var clock = new JumpingWallClock(_time);
        var deadline = RequestDeadline.After(TimeSpan.FromSeconds(1), clock);
        clock.Jump = TimeSpan.FromHours(5);
        Assert.Equal(_time.GetUtcNow().AddHours(5), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(1), deadline.Remaining(clock));
    }

    [Fact]
    public void After_Infinite_IsNone_AndHugeTimeoutSaturates()
    {
        Assert.False(RequestDeadline.After(Timeout.InfiniteTimeSpan, _time).HasValue);
        var huge = RequestDeadline.After(TimeSpan.MaxValue, _time);
        Assert.True(huge.HasValue);
        Assert.True(huge.Remaining(_time) > TimeSpan.FromDays(10_000));
    }

    [Fact]
    public void Min_PicksEarlier_AndNoneIsLatest()
    {
        var early = RequestDeadline.After(TimeSpan.FromMilliseconds(10), _time);
        var late = RequestDeadline.After(TimeSpan.FromMilliseconds(20), _time);
        Assert.Equal(early, early.Min(late));
        Assert.Equal(early, late.Min(early));
        Assert.Equal(early, early.Min(RequestDeadline.None));
        Assert.Equal(early, RequestDeadline.None.Min(early));
    }

    [Fact]
    public void Begin_Nested_OnlyShortensAndRestoresOnDispose()
    {
        Assert.False(RequestDeadline.Current.HasValue);
        var outer = RequestDeadline.After(TimeSpan.FromMilliseconds(100), _time);
        using (RequestDeadline.Begin(outer))
        {
            Assert.Equal(outer, RequestDeadline.Current);

            using (RequestDeadline.Begin(TimeSpan.FromSeconds(5), _time))
            {
                Assert.Equal(outer, RequestDeadline.Current); // a later deadline never extends the ambient one
            }

            using (RequestDeadline.Begin(TimeSpan.FromMilliseconds(10), _time))
            {
                Assert.Equal(TimeSpan.FromMilliseconds(10), RequestDeadline.Current.Remaining(_time));
            }

            Assert.Equal(outer, RequestDeadline.Current);
        }

        Assert.False(RequestDeadline.Current.HasValue);
    }

    [Fact]
    public async Task Current_FlowsAcrossAwait_AndNotIntoSiblings()
    {
        var deadline = RequestDeadline.After(TimeSpan.FromMilliseconds(50), _time);
        RequestDeadline seenInside;
        using (RequestDeadline.Begin(deadline))
        {
            await Task.Yield();
            seenInside = await Task.Run(() => RequestDeadline.Current);
        }

        Assert.Equal(deadline, seenInside);
        Assert.False(await Task.Run(() => RequestDeadline.Current.HasValue));
    }

    [Fact]
    public void DefaultScope_Dispose_DoesNothing()
    {
        using (RequestDeadline.Begin(TimeSpan.FromMilliseconds(10), _time))
        {
            default(RequestDeadline.Scope).Dispose();
            Assert.True(RequestDeadline.Current.HasValue);
        }
    }

    /// <summary>
    /// A wall clock that jumps (an NTP step, a VM resume) while the monotonic timestamp stays: FakeTimeProvider moves
    /// both together, so this test keeps its own.
    /// </summary>
    private sealed class JumpingWallClock(FakeTimeProvider monotonic) : TimeProvider
    {
        public TimeSpan Jump { get; set; }

        public override DateTimeOffset GetUtcNow() => monotonic.GetUtcNow() + Jump;

        public override long GetTimestamp() => monotonic.GetTimestamp();

        public override long TimestampFrequency => monotonic.TimestampFrequency;
    }
}
