using RedBook.ServiceDefaults.Internal;
using System.Threading.RateLimiting;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Tests.Bbr;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Quota;

public sealed class QuotaRateLimiterTests : IDisposable
{
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly TestOptionsMonitor<QuotaOptions> _options = new(new QuotaOptions { Capacity = 100, StaticLimit = 5, InitialWants = 20 });
    private readonly FlakyStore _store;
    private readonly List<QuotaRateLimiter> _limiters = [];

    public QuotaRateLimiterTests()
    {
        _store = new FlakyStore(new InProcessQuotaStore(_options, _time), _time);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters)
        {
            limiter.Dispose();
        }
    }

    private QuotaRateLimiter Create(string client = "me")
    {
        var limiter = new QuotaRateLimiter("r", client, _store, _options, _time);
        _limiters.Add(limiter);
        return limiter;
    }

    private static int Drain(RateLimiter limiter, int max = 10_000)
    {
        var acquired = 0;
        while (acquired < max)
        {
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                break;
            }

            acquired++;
        }

        return acquired;
    }

    [Fact]
    public void Constructor_BeforeFirstAnswer_StaticLimitThenLease()
    {
        _store.Hold();
        var limiter = Create(); // the first refresh is due at once: the call goes out, its answer waits
        Assert.Equal((QuotaMode.Starting, 5.0), (limiter.Mode, limiter.CurrentLimit));
        Assert.Equal(20.0, _store.Calls.Single().Wants);

        _store.Release();

        Assert.Equal((QuotaMode.Leased, 20.0), (limiter.Mode, limiter.CurrentLimit));
        Assert.Single(_store.Calls);
    }

    [Fact]
    public void AttemptAcquire_GrantedRate_EnforcedByLocalBucket()
    {
        _options.Set(new QuotaOptions { Capacity = 100, StaticLimit = 5, InitialWants = 20, MinBackoff = TimeSpan.FromMinutes(1) }); // no early refresh
        var limiter = Create();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(5, Drain(limiter)); // the static bucket's tokens carry over: a new grant is no free burst

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, Drain(limiter)); // the burst: one second of the grant
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(10, Drain(limiter)); // 20 per second
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(20, Drain(limiter)); // never more than the burst
    }

    [Fact]
    public void Refresh_EveryRefreshInterval_ReportsObservedDemandAndHas()
    {
        var limiter = Create();
        _time.Advance(TimeSpan.Zero);

        for (var i = 0; i < 15; i++)
        {
            for (var j = 0; j < 15; j++)
            {
                limiter.AttemptAcquire().Dispose(); // demand 15 per second
            }

            _time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
            Assert.Single(_store.Calls);
            _time.Advance(TimeSpan.FromTicks(1));
        }

        Assert.Equal(2, _store.Calls.Count);
        var second = _store.Calls[1];
        Assert.Equal(TimeSpan.FromSeconds(15), second.At - _store.Calls[0].At);
        Assert.Equal(15 * 1.2, second.Wants, 6);
        Assert.Equal(20, second.Has);
        Assert.Equal(18, limiter.CurrentLimit, 6);
    }

    [Fact]
    public void Refresh_BucketRunsDry_RefreshesEarlyAtMostOncePerMinBackoff()
    {
        _options.Set(new QuotaOptions { Capacity = 100, StaticLimit = 5, InitialWants = 2 });
        var limiter = Create();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(2.0, limiter.CurrentLimit);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, Drain(limiter));
        for (var i = 0; i < 50; i++)
        {
            limiter.AttemptAcquire().Dispose(); // rejected: demand far above the grant
        }

        Assert.Equal(2, _store.Calls.Count); // one early refresh, not fifty
        Assert.Equal(4.0, _store.Calls[1].Wants); // at least double the exhausted grant
        Assert.Equal(4.0, limiter.CurrentLimit);

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++)
        {
            limiter.AttemptAcquire().Dispose();
        }

        Assert.Equal(3, _store.Calls.Count);
        Assert.True(limiter.CurrentLimit > 8, $"limit {limiter.CurrentLimit}");
    }

    [Fact]
    public void StoreOutage_LeaseKeptUntilExpiryThenStaticLimitThenRecovery()
    {
        var limiter = Create();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(QuotaMode.Leased, limiter.Mode);

        _store.Down = true;
        _time.Advance(TimeSpan.FromSeconds(15)); // the refresh fails
        Assert.Equal((QuotaMode.Leased, 1), (limiter.Mode, limiter.ConsecutiveFailures));
        Assert.NotNull(limiter.LastError);

        _time.Advance(TimeSpan.FromSeconds(44)); // 59 s: the lease (60 s) is still valid
        Assert.Equal(QuotaMode.Leased, limiter.Mode);
        Assert.Equal(20.0, limiter.CurrentLimit);

        _time.Advance(TimeSpan.FromSeconds(1)); // 60 s: expired, the store is still down
        Assert.Equal((QuotaMode.Degraded, 5.0), (limiter.Mode, limiter.CurrentLimit));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.InRange(Drain(limiter), 1, 5);

        _store.Down = false;
        _time.Advance(TimeSpan.FromMinutes(1)); // the next back-off attempt reaches the store

        Assert.Equal((QuotaMode.Leased, 0), (limiter.Mode, limiter.ConsecutiveFailures));
        Assert.Null(limiter.LastError);
    }

    [Fact]
    public void StoreOutage_BackoffDoublesFromOneSecondToOneMinute()
    {
        _store.Down = true;
        var limiter = Create();

        _time.Advance(TimeSpan.FromMinutes(6));

        var gaps = _store.Calls.Zip(_store.Calls.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToArray();
        Assert.Equal(new double[] { 1, 2, 4, 8, 16, 32, 60, 60, 60 }, gaps.Take(9));
        Assert.Equal((QuotaMode.Degraded, 5.0), (limiter.Mode, limiter.CurrentLimit));
    }

    [Fact]
    public void StaticLimitChangedByConfiguration_AppliesWhileDegraded()
    {
        _store.Down = true;
        var limiter = Create();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(5.0, limiter.CurrentLimit);

        _options.Set(new QuotaOptions { StaticLimit = 50 }, "r");

        Assert.Equal(50.0, limiter.CurrentLimit);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(50, Drain(limiter));
    }

    [Fact]
    public void TwoClients_ShareCapacityThroughTheStore()
    {
        _options.Set(new QuotaOptions { Capacity = 30, StaticLimit = 5, InitialWants = 100 });
        var a = Create("a");
        _time.Advance(TimeSpan.Zero);
        var b = Create("b");
        _time.Advance(TimeSpan.Zero);
        Assert.Equal((30.0, 0.0), (a.CurrentLimit, b.CurrentLimit)); // b waits for a to give back

        // Both keep asking for more than there is; after a refresh round they converge to 15 / 15.
        for (var i = 0; i < 4; i++)
        {
            for (var s = 0; s < 15; s++)
            {
                for (var j = 0; j < 40; j++)
                {
                    a.AttemptAcquire().Dispose();
                    b.AttemptAcquire().Dispose();
                }

                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal(15.0, a.CurrentLimit, 6);
        Assert.Equal(15.0, b.CurrentLimit, 6);
    }

    [Fact]
    public void Dispose_ReleasesLeaseAndStopsTimers()
    {
        var inner = new InProcessQuotaStore(_options, _time);
        var limiter = new QuotaRateLimiter("r", "me", inner, _options, _time);
        _time.Advance(TimeSpan.Zero);
        Assert.Single(inner.GetLeases("r"));

        limiter.Dispose();

        Assert.Empty(inner.GetLeases("r"));
        Assert.Equal(0, _time.ActiveTimers);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(inner.GetLeases("r"));
    }

    [Fact]
    public async Task AcquireAsync_Exhausted_FailsAtOnceWithReasonAndRetryAfter()
    {
        var limiter = Create();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, Drain(limiter));

        using var lease = await limiter.AcquireAsync(1);

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1 / limiter.CurrentLimit), retryAfter);
        Assert.True(lease.TryGetMetadata(RedBook.ServiceDefaults.Bbr.OverloadLeaseMetadata.Reason, out var reason));
        Assert.Equal(QuotaConstants.ExhaustedReason, reason);
        var stats = limiter.GetStatistics()!;
        Assert.Equal((0L, 0L), (stats.CurrentAvailablePermits, stats.CurrentQueuedCount));
        Assert.True(stats.TotalFailedLeases >= 2);
    }

    private QuotaRateLimiter CreateOn(IQuotaStore store)
    {
        var limiter = new QuotaRateLimiter("r", "me", store, _options, _time);
        _limiters.Add(limiter);
        return limiter;
    }

    private QuotaLease LeaseFor(double granted, TimeSpan validFor, TimeSpan refreshInterval)
        => new("r", "me", granted, _time.GetUtcNow() + validFor, refreshInterval);

    [Fact]
    public void Refresh_LeaseRefreshIntervalLongerThanATimerHolds_RefreshesAtTheTimersLimit()
    {
        var store = new ScriptedStore(_time) { Answer = (_, _) => ValueTask.FromResult(LeaseFor(20, TimeSpan.FromDays(300), TimeSpan.FromDays(100))) };
        var limiter = CreateOn(store);

        _time.Advance(TimeSpan.Zero);
        Assert.Equal((QuotaMode.Leased, 20.0), (limiter.Mode, limiter.CurrentLimit));
        _time.Advance(TimerDuration.Max - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, store.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, store.Calls);
        Assert.Equal(QuotaMode.Leased, limiter.Mode);
    }

    [Fact]
    public void StoreNeverAnswers_TimesOutOnTheClientSideThenDegradesWhenTheLeaseExpires()
    {
        // The store ignores the cancellation token and never completes: the client must not wait for it.
        var store = new ScriptedStore(_time);
        store.Answer = (_, _) => store.Calls == 1
            ? ValueTask.FromResult(LeaseFor(20, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15)))
            : new ValueTask<QuotaLease>(new TaskCompletionSource<QuotaLease>().Task);
        var limiter = CreateOn(store);
        _time.Advance(TimeSpan.Zero);
        Assert.Equal((QuotaMode.Leased, 20.0), (limiter.Mode, limiter.CurrentLimit));

        _time.Advance(TimeSpan.FromSeconds(15));                  // the refresh hangs
        Assert.Equal(2, store.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));                   // StoreTimeout (2 s) passes
        Assert.Equal((QuotaMode.Leased, 1), (limiter.Mode, limiter.ConsecutiveFailures));
        Assert.IsType<TimeoutException>(limiter.LastError);
        _time.Advance(TimeSpan.FromSeconds(1));                   // back-off 1 s: tries again
        Assert.Equal(3, store.Calls);

        _time.Advance(TimeSpan.FromSeconds(43));                  // 61 s: the lease expired while the store hung
        Assert.Equal((QuotaMode.Degraded, 5.0), (limiter.Mode, limiter.CurrentLimit));
        Assert.True(store.Calls >= 5, $"{store.Calls} store calls");
    }

    [Fact]
    public void LeaseExpiredOnArrival_DegradesAndBacksOffInsteadOfSpinning()
    {
        // Our clock runs 61 s ahead of the store's: every 60 s lease has already expired when it arrives.
        var store = new ScriptedStore(_time);
        store.Answer = (_, _) => store.Calls <= 1_000
            ? ValueTask.FromResult(LeaseFor(20, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(15)))
            : new ValueTask<QuotaLease>(new TaskCompletionSource<QuotaLease>().Task); // stops a storm so the test can fail
        var limiter = CreateOn(store);

        _time.Advance(TimeSpan.Zero);
        Assert.Equal(1, store.Calls);
        Assert.Equal((QuotaMode.Degraded, 5.0), (limiter.Mode, limiter.CurrentLimit));
        var error = Assert.IsType<RedBook.ServiceDefaults.Errors.RedBookException>(limiter.LastError);
        Assert.Equal(QuotaConstants.LeaseExpiredReason, error.Error.Reason);

        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(4, store.Calls);                             // at 0, 1, 3 and 7 s: the failure back-off
        Assert.Equal(QuotaMode.Degraded, limiter.Mode);
    }

    [Fact]
    public void LeaseAboutToExpire_RefreshesNoSoonerThanMinBackoff()
    {
        var store = new ScriptedStore(_time) { Answer = (_, _) => ValueTask.FromResult(LeaseFor(20, TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(15))) };
        var limiter = CreateOn(store);

        _time.Advance(TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(11, store.Calls);                            // once per MinBackoff (1 s), not every millisecond
    }

    [Fact]
    public void AttemptAcquire_MoreThanTheBucketHolds_Throws()
    {
        _store.Hold();
        var limiter = Create();                                   // static limit 5/s, burst 1 s: 5 permits

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AcquireAsync(20).AsTask().GetAwaiter().GetResult());
        using var five = limiter.AttemptAcquire(5);
        Assert.True(five.IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_ZeroPermits_ReportsTheStateWithoutCounting()
    {
        _options.Set(new QuotaOptions { Capacity = 100, StaticLimit = 5, InitialWants = 20, MinBackoff = TimeSpan.FromMinutes(1) });
        var limiter = Create();
        using (var probe = limiter.AttemptAcquire(0))
        {
            Assert.True(probe.IsAcquired);
        }

        Assert.Equal(5, Drain(limiter));
        using var empty = limiter.AttemptAcquire(0);

        Assert.False(empty.IsAcquired);
        Assert.True(empty.TryGetMetadata(MetadataName.RetryAfter, out _));
        var stats = limiter.GetStatistics()!;
        Assert.Equal((5L, 1L), (stats.TotalSuccessfulLeases, stats.TotalFailedLeases)); // Drain's last try failed; the probes count nothing
    }

    [Fact]
    public void AttemptAcquire_GrantOfZero_RejectsWithoutThrowing()
    {
        var store = new ScriptedStore(_time) { Answer = (_, _) => ValueTask.FromResult(LeaseFor(0, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15))) };
        var limiter = CreateOn(store);
        _time.Advance(TimeSpan.Zero);

        using var lease = limiter.AttemptAcquire(3);

        Assert.False(lease.IsAcquired);
    }

    private sealed class ScriptedStore(TimeProvider time) : IQuotaStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Func<QuotaRequest, CancellationToken, ValueTask<QuotaLease>> Answer { get; set; } =
            (request, _) => ValueTask.FromResult(new QuotaLease(request.Resource, request.ClientId, request.Wants, time.GetUtcNow().AddMinutes(1), TimeSpan.FromSeconds(15)));

        public ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Answer(request, cancellationToken);
        }

        public ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    private sealed class FlakyStore(IQuotaStore inner, TimeProvider time) : IQuotaStore
    {
        private TaskCompletionSource? _held;

        public bool Down { get; set; }

        public List<(DateTimeOffset At, double Wants, double Has)> Calls { get; } = [];

        /// <summary>Answers from now on wait until <see cref="Release"/>.</summary>
        public void Hold() => _held = new TaskCompletionSource();

        /// <summary>Lets the held answers through, on this thread: without the test's synchronization context the
        /// waiting continuations run inline instead of being queued.</summary>
        public void Release()
        {
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                _held?.SetResult();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        public ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default)
        {
            Calls.Add((time.GetUtcNow(), request.Wants, request.Has));
            if (_held is { } held)
            {
                return AnswerAfterAsync(held.Task, request, cancellationToken);
            }

            return Down ? ValueTask.FromException<QuotaLease>(new HttpRequestException("quota store unreachable")) : inner.AcquireAsync(request, cancellationToken);
        }

        private async ValueTask<QuotaLease> AnswerAfterAsync(Task held, QuotaRequest request, CancellationToken cancellationToken)
        {
            await held.ConfigureAwait(false); // resume inline in Release, not on the test's synchronization context
            return await inner.AcquireAsync(request, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default)
            => Down ? ValueTask.FromException(new HttpRequestException("quota store unreachable")) : inner.ReleaseAsync(resource, clientId, cancellationToken);
    }
}
