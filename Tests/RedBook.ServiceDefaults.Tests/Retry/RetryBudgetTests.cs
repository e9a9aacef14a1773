using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Tests.Retry;

public class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryWithdraw_FreshBudget_FloorAccruesWithHistoryNotAsAReserve()
    {
        // 10 retries/s in 100 ms buckets: one retry for the first bucket, never a 100-retry burst.
        var budget = new RetryBudget("dep", new RetryBudgetOptions(), _time);
        Assert.Equal(1, budget.Balance, 6);
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        _time.Advance(TimeSpan.FromMilliseconds(400)); // five buckets of history now: five retries in all
        for (var i = 0; i < 4; i++)
        {
            Assert.True(budget.TryWithdraw(), $"retry {i}");
        }

        Assert.False(budget.TryWithdraw());
        Assert.Equal(0, budget.Balance, 6);
    }

    [Fact]
    public void TryWithdraw_FloorBelowOnePerBucket_StillAllowsOneRetry()
    {
        // 2 retries/s in 100 ms buckets is 0.2 a bucket: a fresh client still gets its one retry, then waits for history.
        var budget = new RetryBudget("dep", new RetryBudgetOptions { MinRetriesPerSecond = 2, RetryRatio = 0 }, _time);
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        _time.Advance(TimeSpan.FromMilliseconds(900)); // ten buckets of history: 2 retries
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void TryWithdraw_SteadyQuietTraffic_FloorReachesItsRateOverTheTtl()
    {
        // Ten calls a second (20 % of them is 20 retries): once the window is full of history the floor allows its
        // 100 retries per 10 s TTL; with one call a second the oldest call in the window is up to a second old.
        var budget = new RetryBudget("dep", new RetryBudgetOptions(), _time);
        Assert.Equal(1, budget.Balance, 6);
        for (var i = 0; i < 100; i++)
        {
            budget.Deposit();
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        budget.Deposit();
        Assert.Equal(100, budget.Balance, 6);

        var sparse = new RetryBudget("sparse", new RetryBudgetOptions(), _time);
        for (var i = 0; i < 10; i++)
        {
            sparse.Deposit();
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        sparse.Deposit();
        Assert.Equal(91, sparse.Balance, 6); // history from the call 9 s ago: 91 buckets
    }

    [Fact]
    public void TryWithdraw_TrafficAboveFloor_RatioAloneBoundsRetries()
    {
        // 100 first attempts a second for 10 s: 20 % is 200 retries, more than the floor's 100; the two are not added.
        var budget = new RetryBudget("dep", new RetryBudgetOptions(), _time);
        for (var i = 0; i < 1_000; i++)
        {
            budget.Deposit();
            _time.Advance(TimeSpan.FromMilliseconds(i == 999 ? 0 : 10));
        }

        Assert.Equal(200, budget.Balance, 6);
        var granted = 0;
        while (budget.TryWithdraw())
        {
            granted++;
        }

        Assert.Equal(200, granted);
    }

    [Fact]
    public void TryWithdraw_TrafficBelowFloor_FloorBoundsRetries()
    {
        // 10 first attempts a second for 10 s: 20 % is 20 retries, less than the floor of 10/s over 10 s.
        var budget = new RetryBudget("dep", new RetryBudgetOptions(), _time);
        for (var i = 0; i < 100; i++)
        {
            budget.Deposit();
            _time.Advance(TimeSpan.FromMilliseconds(i == 99 ? 0 : 100));
        }

        var granted = 0;
        while (budget.TryWithdraw())
        {
            granted++;
        }

        Assert.Equal(100, granted);
    }

    [Fact]
    public void TryWithdraw_RatioOnly_AllowsShareOfDeposits()
    {
        var budget = new RetryBudget("dep", new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.2 }, _time);
        Assert.False(budget.TryWithdraw());
        for (var i = 0; i < 10; i++)
        {
            budget.Deposit();
        }

        Assert.Equal(2, budget.Balance, 6);
        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        for (var i = 0; i < 5; i++)
        {
            budget.Deposit();
        }

        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Deposits_AfterTtl_Expire()
    {
        var budget = new RetryBudget("dep", new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.5 }, _time);
        for (var i = 0; i < 10; i++)
        {
            budget.Deposit();
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, budget.Balance, 6);
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Configure_NewRatio_AppliesAtOnceAndKeepsHistory()
    {
        var budget = new RetryBudget("dep", new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.1 }, _time);
        for (var i = 0; i < 10; i++)
        {
            budget.Deposit();
        }

        Assert.Equal(1, budget.Balance, 6);
        budget.Configure(new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.5 });
        Assert.Equal(5, budget.Balance, 6);

        budget.Configure(new RetryBudgetOptions { MinRetriesPerSecond = 0, RetryRatio = 0.5, Ttl = TimeSpan.FromSeconds(5) });
        Assert.Equal(0, budget.Balance, 6); // a new window starts fresh
    }

    [Fact]
    public void Registry_SameDependency_SharesOneBudget()
    {
        var registry = new RetryBudgetRegistry(_time);
        var a = registry.GetBudget("catalog", new RetryBudgetOptions());
        var b = registry.GetBudget("catalog", new RetryBudgetOptions());
        var c = registry.GetBudget("orders", new RetryBudgetOptions());
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.True(registry.TryGetBudget("catalog", out var found));
        Assert.Same(a, found);

        registry.GetBudget("catalog", new RetryBudgetOptions { RetryRatio = 0.5 });
        Assert.Equal(0.5, a.Options.RetryRatio);
    }

    /// <summary>
    /// The budget's invariant, checked against an independent recount of a log: whenever a retry is granted, the
    /// retries in the trailing window (bucket-aligned, as the budget counts) are at most the greater of ratio × first
    /// attempts and floor × the seconds of history (whole buckets from the oldest with traffic); and whenever one is refused, granting it would have broken that bound.
    /// </summary>
    [Fact]
    public void TryWithdraw_RandomTrafficPatterns_NeverExceedsShare()
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            var time = new FakeTimeProvider();
            var buckets = random.Next(1, 21);
            var ttl = TimeSpan.FromMilliseconds(buckets * random.Next(50, 1001));
            var options = new RetryBudgetOptions
            {
                RetryRatio = Math.Round(random.NextDouble(), 2),
                MinRetriesPerSecond = random.Next(0, 4) == 0 ? 0 : random.Next(1, 21),
                Ttl = ttl,
                Buckets = buckets,
            };
            var budget = new RetryBudget("dep", options, time);
            var bucketTicks = ttl.Ticks / buckets;
            var floorPerBucket = options.MinRetriesPerSecond * (ttl / buckets).TotalSeconds;
            var log = new SlidingLog(bucketTicks, buckets);
            var granted = 0;
            var requests = 0;

            for (var step = 0; step < 2_000; step++)
            {
                // bursts, quiet periods and retry storms
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 4) == 0 ? random.Next(0, 2_000) : random.Next(0, 20)));
                var deposits = random.Next(0, 3) == 0 ? 0 : random.Next(0, 30);
                for (var i = 0; i < deposits; i++)
                {
                    budget.Deposit();
                    log.Add(time.GetTimestamp(), retry: false);
                    requests++;
                }

                var attempts = random.Next(0, 5) == 0 ? random.Next(0, 200) : random.Next(0, 10);
                for (var i = 0; i < attempts; i++)
                {
                    var now = time.GetTimestamp();
                    var (windowRequests, windowRetries, span) = log.Count(now);
                    var allowed = Math.Max(options.RetryRatio * windowRequests, floorPerBucket > 0 ? Math.Max(1, floorPerBucket * span) : 0);
                    if (budget.TryWithdraw())
                    {
                        log.Add(now, retry: true);
                        granted++;
                        if (windowRetries + 1 > allowed + 1e-9)
                        {
                            Assert.Fail($"seed {seed}: {windowRetries + 1} retries > {allowed}");
                        }
                    }
                    else
                    {
                        if (windowRetries + 1 <= allowed - 1e-9)
                        {
                            Assert.Fail($"seed {seed}: refused at {windowRetries} retries < {allowed}");
                        }
                    }
                }
            }

            Assert.True(requests > 0);
            Assert.True(granted > 0 || floorPerBucket == 0, $"seed {seed}: no retry was ever granted");
        }
    }

    /// <summary>An independent recount: the log's entries in the bucket-aligned window that ends at a time.</summary>
    private sealed class SlidingLog(long bucketTicks, int buckets)
    {
        private readonly List<(long Ticks, bool Retry)> _entries = [];
        private int _start;
        private long _requests;
        private long _retries;

        public void Add(long ticks, bool retry)
        {
            _entries.Add((ticks, retry));
            if (retry)
            {
                _retries++;
            }
            else
            {
                _requests++;
            }
        }

        // The entries in the window, and the buckets from the oldest entry's to the current one (at least one).
        public (long Requests, long Retries, int Span) Count(long now)
        {
            var current = now / bucketTicks;
            var firstEpoch = current - buckets + 1;
            while (_start < _entries.Count && _entries[_start].Ticks / bucketTicks < firstEpoch)
            {
                if (_entries[_start].Retry)
                {
                    _retries--;
                }
                else
                {
                    _requests--;
                }

                _start++;
            }

            var span = _start < _entries.Count ? (int)(current - (_entries[_start].Ticks / bucketTicks)) + 1 : 1;
            return (_requests, _retries, span);
        }
    }
}
