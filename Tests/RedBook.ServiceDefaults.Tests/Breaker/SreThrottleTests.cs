using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Breaker;

namespace RedBook.ServiceDefaults.Tests.Breaker;

public class SreThrottleTests
{
    private readonly FakeTimeProvider _time = new();

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

    [Theory]
    [InlineData(0, 10, 1.0)]
    [InlineData(1, 10, 1.0)] // one lucky success changes nothing
    [InlineData(2, 10, 0.8)]
    [InlineData(5, 10, 0.5)]
    [InlineData(10, 10, 0.0)]
    [InlineData(25, 10, 0.0)]
    [InlineData(50, 0, 1.0)] // the ramp switched off
    public void RecoveryScale_KnownPoints(int run, int recoverySuccesses, double expected)
    {
        Assert.Equal(expected, SreThrottle.RecoveryScale(run, recoverySuccesses), 12);
    }

    [Fact]
    public void Probe_AfterAQuietInterval_LetsExactlyOneCallThrough()
    {
        var options = new SreThrottleOptions { MinimumRequests = 0, ProbeInterval = TimeSpan.FromMilliseconds(500) };
        var throttle = new SreThrottle("dep", options, _time, () => 0.0); // every draw would drop
        Record(throttle, 100, 0);
        Assert.False(throttle.TryAcquire());

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(throttle.TryAcquire());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(throttle.TryAcquire(out var ratio)); // the probe
        Assert.True(ratio > 0.9, "the probe goes through although the formula would drop");
        Assert.False(throttle.TryAcquire()); // only one per interval
        throttle.RecordFailure();

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(throttle.TryAcquire());
        Assert.False(throttle.TryAcquire());
    }

    [Fact]
    public void Probe_ConcurrentCallers_OnlyOneWins()
    {
        var options = new SreThrottleOptions { MinimumRequests = 0, ProbeInterval = TimeSpan.FromMilliseconds(100) };
        var throttle = new SreThrottle("dep", options, _time, () => 0.0);
        Record(throttle, 100, 0);
        _time.Advance(TimeSpan.FromSeconds(1));
        var passed = 0;
        Parallel.For(0, 64, _ =>
        {
            if (throttle.TryAcquire())
            {
                Interlocked.Increment(ref passed);
            }
        });

        Assert.Equal(1, passed);
    }

    [Fact]
    public void RecoveryRamp_SuccessRunScalesDrops_AFailureRestoresTheFormula()
    {
        var options = new SreThrottleOptions { MinimumRequests = 0, RecoverySuccesses = 10 };
        var throttle = new SreThrottle("dep", options, _time);
        Record(throttle, 200, 0);

        throttle.RecordSuccess();
        Assert.Equal(1, throttle.SuccessRun);
        Assert.Equal(SreThrottle.Formula(201, 1, 1.5), throttle.DropRatio, 12); // one success: the formula alone

        throttle.RecordSuccess();
        Assert.Equal(SreThrottle.Formula(202, 2, 1.5) * 0.8, throttle.DropRatio, 12);

        for (var i = 0; i < 7; i++)
        {
            throttle.RecordSuccess();
        }

        Assert.Equal(SreThrottle.Formula(209, 9, 1.5) * 0.1, throttle.DropRatio, 12);
        throttle.RecordFailure(); // a failure before the run completes: the formula, outage and all, is back
        Assert.Equal(0, throttle.SuccessRun);
        Assert.Equal(SreThrottle.Formula(210, 9, 1.5), throttle.DropRatio, 12);
    }

    [Fact]
    public void RecoveryRamp_FullRunWhileDropping_ForgetsTheOutage()
    {
        var options = new SreThrottleOptions { MinimumRequests = 20, RecoverySuccesses = 10 };
        var throttle = new SreThrottle("dep", options, _time);
        Record(throttle, 200, 0);
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordSuccess();
        }

        Assert.Equal(0, throttle.DropRatio); // ten in a row: nothing is dropped...
        Assert.Equal((0L, 0L), throttle.Counts); // ...and the window no longer holds the outage

        throttle.RecordFailure(); // one failure after recovery is judged on fresh history (below the minimum here)
        Assert.Equal(0, throttle.DropRatio);
        Assert.True(throttle.TryAcquire());
    }

    [Fact]
    public void RecoveryRamp_FullRunWhileHealthy_KeepsTheWindow()
    {
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, RecoverySuccesses = 10 }, _time);
        Record(throttle, 30, 30);

        throttle.RecordFailure();
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordSuccess();
        }

        Assert.Equal((41L, 40L), throttle.Counts);
    }

    [Fact]
    public void RecoveryRamp_Off_KeepsTheBookFormula()
    {
        var throttle = new SreThrottle("dep", new SreThrottleOptions { MinimumRequests = 0, RecoverySuccesses = 0 }, _time);
        Record(throttle, 200, 0);
        for (var i = 0; i < 50; i++)
        {
            throttle.RecordSuccess();
        }

        Assert.Equal(SreThrottle.Formula(250, 50, 1.5), throttle.DropRatio, 12);
    }

    /// <summary>
    /// The failing-backend scenario on the fake clock, over many seeds: 100 calls a second, 1 s healthy, 10 s with
    /// 90 % failing, then healed. In the failing steady state (from one window in) what reaches the backend stays
    /// within K × the accepts of the window that allowed it plus one probe per interval, and after healing the caller
    /// is back above 90 % success within the window. With the book formula alone (no probe, no ramp) recovery takes
    /// several windows: the control that shows the additions are what make the difference.
    /// </summary>
    [Fact]
    public void Simulation_FailingThenHealedBackend_BoundedTrafficAndRecoveryWithinAWindow()
    {
        var window = TimeSpan.FromSeconds(2);
        var probe = TimeSpan.FromMilliseconds(200);
        var slowestBook = TimeSpan.Zero;
        for (var seed = 0; seed < 30; seed++)
        {
            var result = SimulateFailingBackend(seed, window, probe, recoverySuccesses: 10);
            Assert.True(result.Reached <= result.Bound, $"seed {seed}: {result.Reached} reached > bound {result.Bound:0.#}");
            Assert.True(result.Recovery <= window, $"seed {seed}: recovery {result.Recovery}");

            var book = SimulateFailingBackend(seed, window, probe: TimeSpan.FromMinutes(1), recoverySuccesses: 0);
            slowestBook = book.Recovery > slowestBook ? book.Recovery : slowestBook;
        }

        Assert.True(slowestBook > 2 * window, $"the book formula alone recovered in {slowestBook}");
    }

    private static (long Reached, double Bound, TimeSpan Recovery) SimulateFailingBackend(int seed, TimeSpan window, TimeSpan probe, int recoverySuccesses)
    {
        const double K = 1.5;
        var time = new FakeTimeProvider();
        var random = new Random(seed);
        var options = new SreThrottleOptions { K = K, Window = window, ProbeInterval = probe, RecoverySuccesses = recoverySuccesses };
        var throttle = new SreThrottle("sim", options, time, random.NextDouble);
        var origin = time.GetUtcNow();
        var failFrom = TimeSpan.FromSeconds(1);
        var healAt = TimeSpan.FromSeconds(11);
        var end = TimeSpan.FromSeconds(26);
        var steadyFrom = failFrom + window;
        long reached = 0;
        long acceptsForBound = 0;
        var bins = new SortedDictionary<int, (int Ok, int All)>();
        var elapsed = TimeSpan.Zero;
        while (elapsed < end)
        {
            var gap = TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / 100); // Poisson arrivals, 100 a second
            time.Advance(gap);
            elapsed = time.GetUtcNow() - origin;
            var ok = false;
            if (throttle.TryAcquire())
            {
                ok = elapsed < failFrom || elapsed >= healAt || random.NextDouble() >= 0.9;
                if (ok)
                {
                    throttle.RecordSuccess();
                }
                else
                {
                    throttle.RecordFailure();
                }

                if (elapsed >= steadyFrom && elapsed < healAt)
                {
                    reached++;
                }

                if (ok && elapsed >= failFrom && elapsed < healAt)
                {
                    acceptsForBound++; // accepts from one window before the steady state on allow what it sends
                }
            }

            if (elapsed >= healAt)
            {
                var bin = (int)((elapsed - healAt) / TimeSpan.FromMilliseconds(250));
                var (good, all) = bins.GetValueOrDefault(bin);
                bins[bin] = (good + (ok ? 1 : 0), all + 1);
            }
        }

        var bound = (K * acceptsForBound) + ((healAt - steadyFrom) / probe);
        var keys = bins.Keys.ToArray();
        var recovery = end;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys.Skip(i).All(k => bins[k].Ok >= 0.9 * bins[k].All))
            {
                recovery = TimeSpan.FromMilliseconds(250 * keys[i]);
                break;
            }
        }

        return (reached, bound, recovery);
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
