using RedBook.ServiceDefaults.Breaker;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Breaker;

public class SreThrottleTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void DropRatio_ManyRequestAcceptPairs_MatchesFormula()
    {
        var random = new Random(3);
        for (var i = 0; i < 300; i++)
        {
            var k = 1 + (random.NextDouble() * 2);
            var requests = random.Next(0, 400);
            var accepts = random.Next(0, requests + 1);
            var throttle = new SreThrottle("dep", new SreThrottleOptions { K = k, MinimumRequests = 0 }, _time);
            Record(throttle, requests, accepts);

            var expected = Math.Max(0, (requests - (k * accepts)) / (requests + 1.0));
            Assert.Equal(expected, throttle.DropRatio, 12);
            Assert.Equal((requests, accepts), throttle.Counts);
        }
    }

    [Theory]
    [InlineData(100, 100, 1.5, 0.0)]
    [InlineData(100, 0, 1.5, 100.0 / 101)]
    [InlineData(100, 50, 1.5, 25.0 / 101)]
    [InlineData(100, 66, 1.5, 1.0 / 101)]
    [InlineData(100, 67, 1.5, 0.0)]
    [InlineData(300, 100, 2.0, 100.0 / 301)]
    public void Formula_KnownPoints(long requests, long accepts, double k, double expected)
    {
        Assert.Equal(expected, SreThrottle.Formula(requests, accepts, k), 12);
    }

    [Fact]
    public void TryAcquire_BelowMinimumRequests_NeverDrops()
    {
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 20 }, _time, () => 0.0);
        Record(throttle, 19, 0);
        Assert.Equal(0, throttle.DropRatio);
        Assert.True(throttle.TryAcquire());

        throttle.RecordFailure(); // the 20th request
        Assert.Equal(20.0 / 21, throttle.DropRatio, 12);
        Assert.False(throttle.TryAcquire());
    }

    [Fact]
    public void TryAcquire_Rejection_CountsAsRequestWithoutAccept()
    {
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0 }, _time, () => 0.0);
        Record(throttle, 10, 4); // p = (10 - 6) / 11
        var before = throttle.DropRatio;
        Assert.False(throttle.TryAcquire(out var used));
        Assert.Equal(before, used, 12);
        Assert.Equal((11L, 4L), throttle.Counts);
        Assert.Equal(SreThrottle.Formula(11, 4, 1.5), throttle.DropRatio, 12);
        Assert.True(throttle.DropRatio > before);
    }

    [Fact]
    public void TryAcquire_SeededDraw_RejectsOnlyBelowRatio()
    {
        var draws = new Queue<double>([0.10, 0.50, 0.35, 0.37]);
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, Window = TimeSpan.FromSeconds(10) }, _time, draws.Dequeue);
        Record(throttle, 100, 43); // p = (100 - 64.5) / 101 = 0.3515
        Assert.False(throttle.TryAcquire()); // 0.10 < p
        Assert.Equal((101 - 64.5) / 102, throttle.DropRatio, 12); // the rejection counted: 0.3578
        Assert.True(throttle.TryAcquire()); // 0.50 >= p
        Assert.False(throttle.TryAcquire()); // 0.35 < p
        Assert.Equal((102 - 64.5) / 103, throttle.DropRatio, 12); // 0.3641
        Assert.True(throttle.TryAcquire()); // 0.37 >= p

    }

    [Fact]
    public void TryAcquire_RandomDraws_RejectedShareConvergesToRatio()
    {
        var random = new Random(11);
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, Window = TimeSpan.FromSeconds(10) }, _time, random.NextDouble);
        Record(throttle, 100_000, 40_000);
        var p = throttle.DropRatio;
        var rejected = 0;
        for (var i = 0; i < 20_000; i++)
        {
            if (!throttle.TryAcquire())
            {
                rejected++;
            }
            else
            {
                throttle.RecordFailure();
            }
        }

        // every call (rejected or failed) adds a request without an accept; p drifts up slightly from 0.4
        Assert.InRange(rejected / 20_000.0, p - 0.03, p + 0.06);
    }

    [Fact]
    public void Window_OldCountsExpire()
    {
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0 }, _time);
        Record(throttle, 50, 0);
        Assert.True(throttle.DropRatio > 0.9);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, throttle.DropRatio);
        Assert.Equal((0L, 0L), throttle.Counts);
    }

    [Fact]
    public void Registry_Keys_AreIsolated()
    {
        var registry = new SreThrottleRegistry(_time, () => 0.0);
        var options = new SreThrottleOptions { MinimumRequests = 0 };
        var a = registry.GetThrottle("10.0.0.1:80", options);
        var b = registry.GetThrottle("10.0.0.2:80", options);
        Record(a, 50, 0);
        Assert.False(a.TryAcquire());
        Assert.True(b.TryAcquire());
        Assert.Same(a, registry.GetThrottle("10.0.0.1:80", options));
        Assert.Equal(0, b.DropRatio);
    }

    [Fact]
    public void Registry_ChangedOptions_ReconfigureExistingThrottle()
    {
        var registry = new SreThrottleRegistry(_time);
        var a = registry.GetThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, K = 1.5 });
        Record(a, 10, 5);
        Assert.Equal(SreThrottle.Formula(10, 5, 1.5), a.DropRatio, 12);
        registry.GetThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, K = 1.1 });
        Assert.Equal(SreThrottle.Formula(10, 5, 1.1), a.DropRatio, 12);
    }

    private static void Record(SreThrottle throttle, int requests, int accepts)
    {
        for (var i = 0; i < requests; i++)
        {
            if (i < accepts)
            {
                throttle.RecordSuccess();
            }
            else
            {
                throttle.RecordFailure();
            }
        }
    }
}
