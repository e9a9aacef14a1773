using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Tests.Internal;

public class RollingWindowTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Totals_WithinWindow_SumsEveryBucket()
    {
        var window = new RollingWindow(10, TimeSpan.FromMilliseconds(100), _time);
        window.Add(_time.GetTimestamp(), 5);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        window.Add(_time.GetTimestamp(), 7);
        window.Add(_time.GetTimestamp(), 1);

        Assert.Equal((13L, 3L), window.Totals(_time.GetTimestamp()));
        Assert.Equal((5L, 1L), window.Totals(_time.GetTimestamp(), includeCurrent: false));
    }

    [Fact]
    public void Totals_AfterWindowPasses_ForgetsOldBuckets()
    {
        var window = new RollingWindow(10, TimeSpan.FromMilliseconds(100), _time);
        window.Add(_time.GetTimestamp(), 5);
        _time.Advance(TimeSpan.FromMilliseconds(950));
        window.Add(_time.GetTimestamp(), 2);
        Assert.Equal((7L, 2L), window.Totals(_time.GetTimestamp()));

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal((2L, 1L), window.Totals(_time.GetTimestamp()));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((0L, 0L), window.Totals(_time.GetTimestamp()));
    }

    [Fact]
    public void TotalsAndSpan_CountsBucketsFromTheOldestWithData()
    {
        var window = new RollingWindow(10, TimeSpan.FromMilliseconds(100), _time);
        Assert.Equal((0L, 0L, 1), window.TotalsAndSpan(_time.GetTimestamp())); // nothing yet: the current bucket

        _time.Advance(TimeSpan.FromMilliseconds(200));
        window.Add(_time.GetTimestamp(), 4);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        window.Add(_time.GetTimestamp(), 1);
        Assert.Equal((5L, 2L, 4), window.TotalsAndSpan(_time.GetTimestamp()));

        _time.Advance(TimeSpan.FromMilliseconds(700)); // the first sample leaves the window
        Assert.Equal((1L, 1L, 8), window.TotalsAndSpan(_time.GetTimestamp()));
        Assert.Equal((1L, 1L), window.Totals(_time.GetTimestamp()));
    }

    [Fact]
    public void MaxSumAndMinMean_SkipEmptyBucketsAndUseFallback()
    {
        var window = new RollingWindow(4, TimeSpan.FromSeconds(1), _time);
        Assert.Equal(-1, window.MaxSum(_time.GetTimestamp(), includeCurrent: true, fallback: -1));
        Assert.Equal(99.0, window.MinMean(_time.GetTimestamp(), includeCurrent: true, fallback: 99.0));

        window.Add(_time.GetTimestamp(), 10);
        window.Add(_time.GetTimestamp(), 20);   // bucket 0: sum 30, mean 15
        _time.Advance(TimeSpan.FromSeconds(2));
        window.Add(_time.GetTimestamp(), 4);    // bucket 2: sum 4, mean 4

        Assert.Equal(30, window.MaxSum(_time.GetTimestamp(), includeCurrent: true, fallback: -1));
        Assert.Equal(4.0, window.MinMean(_time.GetTimestamp(), includeCurrent: true, fallback: 99.0));
        Assert.Equal(15.0, window.MinMean(_time.GetTimestamp(), includeCurrent: false, fallback: 99.0));
    }

    [Fact]
    public void Add_SampleOlderThanSlotOwner_IsDropped()
    {
        var window = new RollingWindow(2, TimeSpan.FromSeconds(1), _time);
        var old = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(2)); // same slot as "old", two epochs later
        window.Add(_time.GetTimestamp(), 1);
        window.Add(old, 100);
        Assert.Equal((1L, 1L), window.Totals(_time.GetTimestamp()));
    }

    [Fact]
    public void MaxCount_SkipsCurrentBucketWhenAsked_AndUsesFallbackWhenEmpty()
    {
        var window = new RollingWindow(4, TimeSpan.FromSeconds(1), _time);
        Assert.Equal(7, window.MaxCount(_time.GetTimestamp(), includeCurrent: true, fallback: 7));

        window.Add(_time.GetTimestamp(), 1);
        window.Add(_time.GetTimestamp(), 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
        {
            window.Add(_time.GetTimestamp(), 1);
        }

        Assert.Equal(5, window.MaxCount(_time.GetTimestamp(), includeCurrent: true, fallback: 7));
        Assert.Equal(2, window.MaxCount(_time.GetTimestamp(), includeCurrent: false, fallback: 7));
    }

    [Fact]
    public void Reset_ForgetsEverything()
    {
        var window = new RollingWindow(4, TimeSpan.FromSeconds(1), _time);
        window.Add(_time.GetTimestamp(), 3);
        window.Reset();
        Assert.Equal((0L, 0L), window.Totals(_time.GetTimestamp()));
    }

    [Fact]
    public void Bucket_ReadsOnlyTheBucketHoldingTimestamp()
    {
        var window = new RollingWindow(4, TimeSpan.FromSeconds(1), _time);
        window.Add(_time.GetTimestamp(), 3);
        window.Add(_time.GetTimestamp(), 0);
        Assert.Equal((3L, 2L), window.Bucket(_time.GetTimestamp()));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((0L, 0L), window.Bucket(_time.GetTimestamp()));
        window.Add(_time.GetTimestamp(), 5);
        Assert.Equal((5L, 1L), window.Bucket(_time.GetTimestamp()));
        Assert.Equal((3L, 2L), window.Totals(_time.GetTimestamp(), includeCurrent: false));

        _time.Advance(TimeSpan.FromSeconds(4)); // the slot of the 5 is reused only when written again
        Assert.Equal((0L, 0L), window.Bucket(_time.GetTimestamp()));
    }
}
