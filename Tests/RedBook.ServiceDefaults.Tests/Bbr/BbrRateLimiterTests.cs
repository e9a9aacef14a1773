using Microsoft.Extensions.Time.Testing;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.Bbr;

public class BbrRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeCpuUsageSource _cpu = new();

    // aegis's test configuration: a 1 s window in 10 buckets of 100 ms, threshold 800.
    private static BbrOptions AegisTestOptions() => new() { Window = TimeSpan.FromSeconds(1), Buckets = 10, CpuThreshold = 800 };

    private BbrRateLimiter Create(BbrOptions? options = null) => new(options ?? AegisTestOptions(), _cpu, _time, "test");

    /// <summary>
    /// Fills ten 100 ms buckets as aegis's TestBBRShouldDrop does: bucket i passes (i + 1) * 100 requests. Bucket 0's
    /// requests take 1..10 ms (mean 5.5 ms, so minRT = 6); the others take 20 ms. The clock ends inside bucket 9.
    /// </summary>
    private void FillAegisWindow(BbrRateLimiter limiter)
    {
        for (var i = 0; i < 10; i++)
        {
            var bucketStart = _time.GetTimestamp();
            var passes = (i + 1) * 100;
            var leases = new List<RateLimitLease>();
            for (var n = 0; n < passes; n++)
            {
                var lease = limiter.AttemptAcquire();
                Assert.True(lease.IsAcquired);
                leases.Add(lease);
            }

            if (i == 0)
            {
                for (var k = 0; k < 10; k++)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(1));
                    foreach (var lease in leases.Skip(k * passes / 10).Take(passes / 10))
                    {
                        lease.Dispose();
                    }
                }
            }
            else
            {
                _time.Advance(TimeSpan.FromMilliseconds(20));
                leases.ForEach(l => l.Dispose());
            }

            if (i != 9)
            {
                _time.Advance(TimeSpan.FromTicks(bucketStart + TimeSpan.FromMilliseconds(100).Ticks - _time.GetTimestamp()));
            }
        }
    }

    /// <summary>
    /// aegis's window kept alive for 10 s (maxInFlight 54), 80 requests held, and one request dropped at
    /// <paramref name="cpu"/>: the limiter is in its cool-down from now.
    /// </summary>
    private (BbrRateLimiter Limiter, List<RateLimitLease> Held) DroppedOnce(int cpu)
    {
        var limiter = Create(new BbrOptions { Window = TimeSpan.FromSeconds(10), Buckets = 100, CpuThreshold = 800 });
        FillAegisWindow(limiter);
        var held = Hold(limiter, 80);
        _cpu.Usage = cpu;
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        return (limiter, held);
    }

    private static List<RateLimitLease> Hold(BbrRateLimiter limiter, int count)
    {
        var held = new List<RateLimitLease>();
        for (var i = 0; i < count; i++)
        {
            var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
            held.Add(lease);
        }

        return held;
    }

    [Fact]
    public void MaxInFlight_FilledWindow_IsMaxPassTimesMinRtTimesBucketsPerSecondOver1000()
    {
        using var limiter = Create();
        FillAegisWindow(limiter);

        // maxPass = 900 (bucket 8; the current bucket 9 is not counted), minRT = ceil(5.5) = 6 ms, 10 buckets/s.
        Assert.Equal(900L * 6 * 10 / 1000, limiter.MaxInFlight);
        Assert.Equal(54, limiter.MaxInFlight);
    }

    [Fact]
    public void MaxInFlight_NonIntegerProduct_IsFloored()
    {
        using var limiter = Create();
        // One bucket: 7 requests of 3 ms each -> 7 * 3 * 10 / 1000 = 0.21 -> 0; 150 of 7 ms -> 10.5 -> 10.
        var leases = Hold(limiter, 150);
        _time.Advance(TimeSpan.FromMilliseconds(7));
        leases.ForEach(l => l.Dispose());
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(10, limiter.MaxInFlight);
    }

    [Fact]
    public void MaxInFlight_EmptyWindow_UsesMaxPassOneAndMinRtOne()
    {
        using var limiter = Create(new BbrOptions { Window = TimeSpan.FromSeconds(1), Buckets = 1000 });
        // floor(1 * 1 * 1000 / 1000) = 1 with 1 ms buckets; floor(1 * 1 * 10 / 1000) = 0 with 100 ms buckets.
        Assert.Equal(1, limiter.MaxInFlight);
        using var aegis = Create();
        Assert.Equal(0, aegis.MaxInFlight);
    }

    [Fact]
    public void AttemptAcquire_CpuAtThresholdAndInFlightBelowMax_Admits()
    {
        using var limiter = Create();
        FillAegisWindow(limiter);
        var held = Hold(limiter, 50);

        _cpu.Usage = 800;
        using var lease = limiter.AttemptAcquire();

        Assert.True(lease.IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_CpuAtThresholdAndInFlightAboveMax_Drops()
    {
        using var limiter = Create();
        FillAegisWindow(limiter);
        var held = Hold(limiter, 80);

        _cpu.Usage = 800;
        using var lease = limiter.AttemptAcquire();

        Assert.False(lease.IsAcquired);
        Assert.Equal(1, limiter.ShedCount);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_CpuBelowThresholdWithinCoolDown_StillDropsAboveMax()
    {
        using var limiter = Create();
        FillAegisWindow(limiter);
        var held = Hold(limiter, 80);
        _cpu.Usage = 800;
        Assert.False(limiter.AttemptAcquire().IsAcquired);

        _cpu.Usage = 700;
        _time.Advance(TimeSpan.FromMilliseconds(1000)); // exactly the cool-down: still inside it.

        Assert.False(limiter.AttemptAcquire().IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_CpuBelowThresholdWithinCoolDownButInFlightBelowMax_Admits()
    {
        var (limiter, held) = DroppedOnce(cpu: 900);
        using var _ = limiter;

        _cpu.Usage = 100;
        held.Skip(40).ToList().ForEach(l => l.Dispose());   // 40 in flight, maxInFlight 54

        using var lease = limiter.AttemptAcquire();
        Assert.True(lease.IsAcquired);
        held.Take(40).ToList().ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_CpuBelowThresholdAfterCoolDown_Admits()
    {
        // A 10 s window keeps the statistics (maxInFlight 54) alive across the 2 s wait, as aegis's test intends.
        var (limiter, held) = DroppedOnce(cpu: 800);
        using var _ = limiter;

        _time.Advance(TimeSpan.FromSeconds(2));
        _cpu.Usage = 700;

        Assert.Equal(1000L * 6 * 10 / 1000, limiter.MaxInFlight);   // bucket 9 (1000 passes) has finished too
        using var lease = limiter.AttemptAcquire();
        Assert.True(lease.IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_CoolDownRunsFromLastDrop_NotFirst()
    {
        var (limiter, held) = DroppedOnce(cpu: 900);   // first drop at t
        using var _ = limiter;
        _time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.False(limiter.AttemptAcquire().IsAcquired);   // last drop at t + 0.8 s

        _cpu.Usage = 100;
        _time.Advance(TimeSpan.FromMilliseconds(900));       // t + 1.7 s: 0.9 s after the last drop

        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromMilliseconds(200));       // 1.1 s after the last drop
        using var lease = limiter.AttemptAcquire();
        Assert.True(lease.IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_ZeroPermitProbeWhileOverloaded_ReportsTheStateWithoutSheddingOrRestartingTheCoolDown()
    {
        var (limiter, held) = DroppedOnce(cpu: 900);   // a real drop at t
        using var _ = limiter;
        _time.Advance(TimeSpan.FromMilliseconds(800));

        using (var probe = limiter.AttemptAcquire(0))         // a status probe at t + 0.8 s, CPU still high
        {
            Assert.False(probe.IsAcquired);                   // it reports that a request would be shed now
            Assert.True(probe.TryGetMetadata(OverloadLeaseMetadata.Reason, out var reason));
            Assert.Equal(WellKnownReasons.Overloaded, reason);
        }

        Assert.Equal(1, limiter.ShedCount);                   // but it is no shed
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
        _cpu.Usage = 100;
        _time.Advance(TimeSpan.FromMilliseconds(300));       // t + 1.1 s: the cool-down ran from the real drop

        using var lease = limiter.AttemptAcquire();
        Assert.True(lease.IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_InFlightAtMostOne_NeverDrops()
    {
        using var limiter = Create();
        _cpu.Usage = 1000;
        Assert.Equal(0, limiter.MaxInFlight);

        var first = limiter.AttemptAcquire();    // inFlight 0
        var second = limiter.AttemptAcquire();   // inFlight 1: not > 1
        var third = limiter.AttemptAcquire();    // inFlight 2 > 1 and > 0

        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        Assert.False(third.IsAcquired);
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void AttemptAcquire_Rejected_CarriesOverloadedReasonAndPushback()
    {
        using var limiter = Create(new BbrOptions { Window = TimeSpan.FromSeconds(1), Buckets = 10, CoolDown = TimeSpan.FromMilliseconds(1500) });
        _cpu.Usage = 1000;
        var held = Hold(limiter, 2);

        using var lease = limiter.AttemptAcquire();

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(OverloadLeaseMetadata.Reason, out var reason));
        Assert.Equal(WellKnownReasons.Overloaded, reason);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), retryAfter);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var phrase));
        Assert.Contains("do not retry", phrase, StringComparison.Ordinal);
        Assert.Equal(3, lease.GetAllMetadata().Count());
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void LeaseDispose_RecordsRtAndPass_AndEndsInFlightOnce()
    {
        using var limiter = Create();
        var lease = limiter.AttemptAcquire();
        Assert.Equal(1, limiter.InFlight);

        _time.Advance(TimeSpan.FromMilliseconds(40));
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(0, limiter.InFlight);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        // One pass of 40 ms in the previous bucket: floor(1 * 40 * 10 / 1000) = 0; 30 such passes give 12.
        var leases = Hold(limiter, 30);
        _time.Advance(TimeSpan.FromMilliseconds(40));
        leases.ForEach(l => l.Dispose());
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(12, limiter.MaxInFlight);
    }

    [Fact]
    public void MaxInFlight_AfterWindowRollsOver_ForgetsOldBuckets()
    {
        using var limiter = Create();
        FillAegisWindow(limiter);
        Assert.Equal(54, limiter.MaxInFlight);

        _time.Advance(TimeSpan.FromMilliseconds(500));   // buckets 0..4 leave, bucket 9 finishes: maxPass 1000, minRT 20 ms
        Assert.Equal(1000L * 20 * 10 / 1000, limiter.MaxInFlight);

        _time.Advance(TimeSpan.FromSeconds(1));          // everything left the window
        Assert.Equal(0, limiter.MaxInFlight);
    }

    [Fact]
    public void OptionsMonitor_ThresholdChange_TakesEffectLive()
    {
        var monitor = new TestOptionsMonitor<BbrOptions>(AegisTestOptions());
        using var limiter = new BbrRateLimiter(monitor, _cpu, _time);
        _cpu.Usage = 600;
        var held = Hold(limiter, 3);   // maxInFlight 0 on an empty window

        Assert.True(limiter.AttemptAcquire().IsAcquired is true);
        monitor.Set(new BbrOptions { Window = TimeSpan.FromSeconds(1), Buckets = 10, CpuThreshold = 500 });

        Assert.Equal(500, limiter.CurrentOptions.CpuThreshold);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void OptionsMonitor_WindowChange_StartsFreshStatistics_OtherChangesKeepThem()
    {
        var monitor = new TestOptionsMonitor<BbrOptions>(new BbrOptions { Window = TimeSpan.FromSeconds(10), Buckets = 100 });
        using var limiter = new BbrRateLimiter(monitor, _cpu, _time);
        FillAegisWindow(limiter);
        Assert.Equal(54, limiter.MaxInFlight);

        monitor.Set(new BbrOptions { Window = TimeSpan.FromSeconds(10), Buckets = 100, CoolDown = TimeSpan.FromSeconds(3) });
        Assert.Equal(54, limiter.MaxInFlight);

        monitor.Set(new BbrOptions { Window = TimeSpan.FromSeconds(5), Buckets = 50 });
        Assert.Equal(0, limiter.MaxInFlight);
    }

    [Fact]
    public void OptionsMonitor_OtherNameChanges_AreIgnored()
    {
        var monitor = new TestOptionsMonitor<BbrOptions>(AegisTestOptions());
        using var limiter = new BbrRateLimiter(monitor, _cpu, _time);

        monitor.Set(new BbrOptions { CpuThreshold = 100 }, "other");

        Assert.Equal(800, limiter.CurrentOptions.CpuThreshold);
    }

    [Fact]
    public void Update_InvalidOptions_ThrowsAndKeepsOldOnes()
    {
        using var limiter = Create();

        Assert.Throws<ValidationException>(() => limiter.Update(new BbrOptions { CpuThreshold = 1200 }));
        Assert.Throws<ValidationException>(() => limiter.Update(new BbrOptions { Window = TimeSpan.FromMilliseconds(50), Buckets = 100 }));
        Assert.Equal(800, limiter.CurrentOptions.CpuThreshold);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ValidationException>(() => Create(new BbrOptions { Buckets = 0 }));
    }

    [Fact]
    public void AttemptAcquire_Disabled_AlwaysAdmits()
    {
        using var limiter = Create(new BbrOptions { Enabled = false });
        _cpu.Usage = 1000;

        var leases = Enumerable.Range(0, 100).Select(_ => limiter.AttemptAcquire()).ToList();

        Assert.All(leases, l => Assert.True(l.IsAcquired));
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public void AttemptAcquire_PermitCountAboveOne_Throws()
    {
        using var limiter = Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(2));
    }

    [Fact]
    public void AttemptAcquire_PermitCountZero_ProbesWithoutCounting()
    {
        using var limiter = Create();
        using var probe = limiter.AttemptAcquire(0);

        Assert.True(probe.IsAcquired);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_CompletesImmediately()
    {
        using var limiter = Create();
        var pending = limiter.AcquireAsync();

        Assert.True(pending.IsCompleted);
        using var lease = await pending;
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_CancelledToken_ReturnsCancelledTaskWithoutCounting()
    {
        using var limiter = Create();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var pending = limiter.AcquireAsync(1, cts.Token);

        Assert.True(pending.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public void GetStatistics_CountsSuccessesAndFailures()
    {
        using var limiter = Create();
        _cpu.Usage = 1000;
        var held = Hold(limiter, 2);
        _ = limiter.AttemptAcquire();

        var stats = limiter.GetStatistics()!;

        Assert.Equal(2, stats.TotalSuccessfulLeases);
        Assert.Equal(1, stats.TotalFailedLeases);
        Assert.Equal(0, stats.CurrentQueuedCount);
        Assert.Null(limiter.IdleDuration);
        held.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AttemptAcquire_AfterDispose_Throws()
    {
        var limiter = Create();
        limiter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire());
    }

    [Fact]
    public void MinimumCapacityFactor_GoZeroFloor_TightensLimitWithCpu()
    {
        using var limiter = Create(new BbrOptions { Window = TimeSpan.FromSeconds(10), Buckets = 100, CpuThreshold = 800, MinimumCapacityFactor = 0.1 });
        FillAegisWindow(limiter);   // maxInFlight 54
        var held = Hold(limiter, 30);

        _cpu.Usage = 900;           // f = (1000 - 900) / (1000 - 800) = 0.5: limit 27 < 30
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _cpu.Usage = 1000;          // f clamps to 0.1: limit 5.4
        held.Skip(6).ToList().ForEach(l => l.Dispose());
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        held.Skip(5).Take(1).Single().Dispose();
        using var lease = limiter.AttemptAcquire(); // 5 in flight <= 5.4
        Assert.True(lease.IsAcquired);
        held.Take(5).ToList().ForEach(l => l.Dispose());
    }

    [Fact]
    public void Meter_ReportsShedCountAndGauges()
    {
        using var limiter = new BbrRateLimiter(AegisTestOptions(), _cpu, _time, "meter-test");
        var shed = 0L;
        var gauges = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBookDiagnostics.Name && instrument.Name.StartsWith("redbook.bbr.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == BbrConstants.LimiterTag && (string?)tag.Value == "meter-test")
                {
                    if (instrument.Name == BbrConstants.ShedCounterName)
                    {
                        shed += value;
                    }
                    else
                    {
                        gauges[instrument.Name] = value;
                    }
                }
            }
        });
        listener.Start();

        _cpu.Usage = 950;
        var held = Hold(limiter, 2);
        _ = limiter.AttemptAcquire();
        listener.RecordObservableInstruments();

        Assert.Equal(1, shed);
        Assert.Equal(2, gauges[BbrConstants.InFlightGaugeName]);
        Assert.Equal(0, gauges[BbrConstants.MaxInFlightGaugeName]);
        Assert.Equal(950, gauges[BbrConstants.CpuGaugeName]);
        held.ForEach(l => l.Dispose());
    }
}
