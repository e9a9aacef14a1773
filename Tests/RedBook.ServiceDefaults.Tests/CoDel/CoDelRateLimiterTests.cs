using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.CoDel;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Tests.Bbr;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.CoDel;

public class CoDelRateLimiterTests
{
    private readonly ManualTimeProvider _time = new();

    private CoDelRateLimiter Create(int permits = 1, int queue = 100)
        => new(new CoDelOptions { PermitLimit = permits, QueueLimit = queue }, _time, "test");

    private void Ms(int milliseconds) => _time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    private static RateLimitLease Served(ValueTask<RateLimitLease> pending)
    {
        Assert.True(pending.IsCompletedSuccessfully);
        var lease = pending.Result;
        Assert.True(lease.IsAcquired);
        return lease;
    }

    private static void Shed(ValueTask<RateLimitLease> pending, string phrase)
    {
        Assert.True(pending.IsCompletedSuccessfully);
        var lease = pending.Result;
        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(OverloadLeaseMetadata.Reason, out var reason));
        Assert.Equal(WellKnownReasons.Overloaded, reason);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var text));
        Assert.Contains(phrase, text, StringComparison.Ordinal);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(100), retryAfter);
    }

    /// <summary>
    /// Drives the queue into the overloaded state: an interval in which every dequeued request waited more than the
    /// 5 ms target. Returns the lease holding the only permit at t = 211 ms and the two waiters left behind.
    /// </summary>
    private (RateLimitLease Holder, ValueTask<RateLimitLease> W4, ValueTask<RateLimitLease> W5) Overload(CoDelRateLimiter limiter)
    {
        var first = limiter.AttemptAcquire();                     // t = 0: served at once (a zero-delay sample)
        var w = Enumerable.Range(0, 5).Select(_ => limiter.AcquireAsync()).ToArray();
        Assert.Equal(5, limiter.QueueLength);

        Ms(101);
        first.Dispose();                                          // interval 1 ends: min 0, not overloaded; W1 (101 ms) starts interval 2
        var w1 = Served(w[0]);
        Ms(20);
        w1.Dispose();                                             // W2 waited 121 ms: FIFO, not shed (not overloaded yet)
        var w2 = Served(w[1]);
        Ms(90);
        Assert.False(limiter.IsOverloaded);
        w2.Dispose();                                             // t = 211: interval 2's min was 101 ms > 5 ms: overloaded
        Assert.True(limiter.IsOverloaded);
        return (Served(w[2]), w[3], w[4]);                        // W3, the first sample of interval 3, is never shed
    }

    [Fact]
    public void AttemptAcquire_UpToPermitLimit_AdmitsThenRejectsWithoutWaiting()
    {
        using var limiter = Create(permits: 2);

        using var a = limiter.AttemptAcquire();
        using var b = limiter.AttemptAcquire();
        using var c = limiter.AttemptAcquire();

        Assert.True(a.IsAcquired);
        Assert.True(b.IsAcquired);
        Assert.False(c.IsAcquired);
        Assert.True(c.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase));
        Assert.Contains("no permit", phrase, StringComparison.Ordinal);
        Assert.Equal(0, limiter.QueueLength);
    }

    [Fact]
    public void AcquireAsync_PermitFree_CompletesSynchronously()
    {
        using var limiter = Create();
        var pending = limiter.AcquireAsync();
        using var lease = Served(pending);
        Assert.Equal(0, limiter.AvailablePermits);
        lease.Dispose();
        Assert.Equal(1, limiter.AvailablePermits);
    }

    [Fact]
    public void AcquireAsync_DelaysUnderTarget_NeverShedsAndStaysFifo()
    {
        using var limiter = Create();
        var holder = limiter.AttemptAcquire();

        // 100 rounds of 3 ms waits (three intervals): every sample is under the 5 ms target.
        for (var i = 0; i < 100; i++)
        {
            var first = limiter.AcquireAsync();
            var second = limiter.AcquireAsync();
            Ms(3);
            holder.Dispose();
            holder = Served(first);
            Assert.False(second.IsCompleted);
            holder.Dispose();
            holder = Served(second);
        }

        Assert.False(limiter.IsOverloaded);
        Assert.Equal(0, limiter.GetStatistics()!.TotalFailedLeases);
        holder.Dispose();
    }

    [Fact]
    public void AcquireAsync_AfterIntervalAboveTarget_ShedsWaitersOlderThanTwiceTarget()
    {
        using var limiter = Create();
        var (holder, w4, w5) = Overload(limiter);

        // While overloaded, W4 and W5 (211 ms > 2 x 5 ms) are shed instead of served.
        Shed(w4, "waited too long");
        Shed(w5, "waited too long");
        Assert.Equal(0, limiter.QueueLength);
        Assert.Equal(2, limiter.GetStatistics()!.TotalFailedLeases);
        holder.Dispose();
    }

    [Fact]
    public void AcquireAsync_Overloaded_ShedsAtDequeueWhenTheServedOneWaitedTooLong()
    {
        using var limiter = Create();
        var (holder, _, _) = Overload(limiter);
        var late = limiter.AcquireAsync();                  // t = 211

        Ms(11);                                             // 11 ms > 2 x target, still in interval 3
        holder.Dispose();

        Shed(late, "waited too long");
        Assert.Equal(1, limiter.AvailablePermits);
    }

    [Fact]
    public void AcquireAsync_Overloaded_ServesNewestFirst_ThenFifoAfterAnIntervalUnderTarget()
    {
        using var limiter = Create();
        var (holder, _, _) = Overload(limiter);
        var a = limiter.AcquireAsync();   // t = 211
        Ms(1);
        var b = limiter.AcquireAsync();   // t = 212
        Ms(1);
        var c = limiter.AcquireAsync();   // t = 213
        Ms(1);

        holder.Dispose();                 // LIFO: C (1 ms) is served, A and B wait
        var servedC = Served(c);
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);

        Ms(98);                           // t = 312: interval 3 ends with min delay 1 ms < target
        servedC.Dispose();                // picked LIFO (B) before the roll; B is the new interval's first sample
        var servedB = Served(b);
        Assert.False(limiter.IsOverloaded);
        Assert.False(a.IsCompleted);

        servedB.Dispose();                // FIFO again, and no shedding: A is served though it waited 101 ms
        Served(a).Dispose();
    }

    [Fact]
    public void AcquireAsync_CancelledWhileWaiting_LeavesQueueAndFaultsTask()
    {
        using var limiter = Create();
        var holder = limiter.AttemptAcquire();
        using var cts = new CancellationTokenSource();
        var pending = limiter.AcquireAsync(1, cts.Token);
        var other = limiter.AcquireAsync();
        Assert.Equal(2, limiter.QueueLength);

        cts.Cancel();

        Assert.True(pending.IsCanceled);
        Assert.Equal(1, limiter.QueueLength);
        holder.Dispose();
        Served(other).Dispose();
        Assert.Equal(1, limiter.AvailablePermits);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelled_ThrowsWithoutQueueing()
    {
        using var limiter = Create();
        using var holder = limiter.AttemptAcquire();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await limiter.AcquireAsync(1, cts.Token));
        Assert.Equal(0, limiter.QueueLength);
    }

    [Fact]
    public void AcquireAsync_QueueFull_RejectsNewcomer()
    {
        using var limiter = Create(queue: 2);
        using var holder = limiter.AttemptAcquire();
        var a = limiter.AcquireAsync();
        var b = limiter.AcquireAsync();

        var c = limiter.AcquireAsync();

        Shed(c, "queue is full");
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);   // queueing is not a failure
        Assert.Equal(2, limiter.GetStatistics()!.CurrentQueuedCount);
    }

    [Fact]
    public void AcquireAsync_QueueFullWhileOverloaded_ShedsOldestToAdmitNewcomer()
    {
        using var limiter = Create();
        var (holder, _, _) = Overload(limiter);            // queue emptied by the sweep; t = 211, overloaded
        limiter.Update(new CoDelOptions { PermitLimit = 1, QueueLimit = 2 });
        var a = limiter.AcquireAsync();
        Ms(1);
        var b = limiter.AcquireAsync();
        Ms(1);

        var c = limiter.AcquireAsync();

        Shed(a, "queue is full");
        Assert.False(b.IsCompleted);
        Assert.False(c.IsCompleted);
        holder.Dispose();
        Served(c).Dispose();                               // LIFO
    }

    [Fact]
    public void AcquireAsync_QueueLimitZero_RejectsAtOnce()
    {
        using var limiter = Create(queue: 0);
        using var holder = limiter.AttemptAcquire();
        Shed(limiter.AcquireAsync(), "queue is full");
    }

    [Fact]
    public void OptionsMonitor_PermitLimitRaised_ServesWaitersAtOnce()
    {
        var monitor = new TestOptionsMonitor<CoDelOptions>(new CoDelOptions { PermitLimit = 1 });
        using var limiter = new CoDelRateLimiter(monitor, _time);
        using var holder = limiter.AttemptAcquire();
        var waiting = limiter.AcquireAsync();

        monitor.Set(new CoDelOptions { PermitLimit = 2, TargetDelay = TimeSpan.FromMilliseconds(20) });

        Served(waiting).Dispose();
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.CurrentOptions.TargetDelay);
    }

    [Fact]
    public void OptionsMonitor_PermitLimitLowered_WithholdsPermitsUntilReleased()
    {
        var monitor = new TestOptionsMonitor<CoDelOptions>(new CoDelOptions { PermitLimit = 2 });
        using var limiter = new CoDelRateLimiter(monitor, _time);
        var a = limiter.AttemptAcquire();
        var b = limiter.AttemptAcquire();

        monitor.Set(new CoDelOptions { PermitLimit = 1 });
        a.Dispose();

        Assert.False(limiter.AttemptAcquire().IsAcquired);
        b.Dispose();
        using var c = limiter.AttemptAcquire();
        Assert.True(c.IsAcquired);
    }

    [Fact]
    public void Update_InvalidOptions_ThrowsAndKeepsOldOnes()
    {
        using var limiter = Create();
        Assert.Throws<ValidationException>(() => limiter.Update(new CoDelOptions { PermitLimit = 0 }));
        Assert.Equal(1, limiter.CurrentOptions.PermitLimit);
    }

    [Fact]
    public async Task Dispose_FailsQueuedWaiters()
    {
        var limiter = Create();
        using var holder = limiter.AttemptAcquire();
        var waiting = limiter.AcquireAsync();

        limiter.Dispose();

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.False((await waiting).IsAcquired);
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire());
    }

    [Fact]
    public void AttemptAcquire_PermitCountZeroProbesAndAboveOneThrows()
    {
        using var limiter = Create();
        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
        Assert.Equal(1, limiter.AvailablePermits);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(2));
        Assert.Null(limiter.IdleDuration);
    }

    [Fact]
    public void LeaseDispose_Twice_ReleasesOnce()
    {
        using var limiter = Create(permits: 2);
        var lease = limiter.AttemptAcquire();
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(2, limiter.AvailablePermits);
    }
}
