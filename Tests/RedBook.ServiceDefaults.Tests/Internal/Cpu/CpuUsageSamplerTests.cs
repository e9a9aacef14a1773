using RedBook.ServiceDefaults.Internal.Cpu;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Internal.Cpu;

public class CpuUsageSamplerTests
{
    private readonly TrackingFakeTimeProvider _time = new();

    private sealed class FakeReader : ICpuStatReader
    {
        public long UsageNanoseconds { get; set; }

        public double Quota { get; set; } = 2;

        public bool Readable { get; set; } = true;

        public string Kind => "fake";

        public bool TryRead(out CpuStat stat)
        {
            stat = new CpuStat(UsageNanoseconds, Quota);
            return Readable;
        }
    }

    [Fact]
    public void Sample_EveryHalfSecond_SmoothsWithDecay095()
    {
        var reader = new FakeReader();
        using var sampler = new CpuUsageSampler(reader, _time);

        // 2 cores fully busy for 500 ms = 1 s of CPU: a raw sample of 1000 per mille.
        reader.UsageNanoseconds += 1_000_000_000;
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(50, sampler.Usage);          // 0 * 0.95 + 1000 * 0.05

        reader.UsageNanoseconds += 500_000_000;   // half busy: raw 500
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(72, sampler.Usage);          // 50 * 0.95 + 500 * 0.05 = 72.5

        Assert.Equal("fake", sampler.SourceKind);
        Assert.Equal(2, sampler.QuotaCores);
    }

    [Fact]
    public void Sample_UsageAboveQuota_IsCappedAt1000()
    {
        var reader = new FakeReader { Quota = 0.5 };
        using var sampler = new CpuUsageSampler(reader, _time);

        for (var i = 0; i < 200; i++)
        {
            reader.UsageNanoseconds += 1_000_000_000;   // 2 cores' worth against a 0.5-core quota
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.InRange(sampler.Usage, 999, 1000);
    }

    [Fact]
    public void Sample_UnreadableFiles_KeepsLastValue()
    {
        var reader = new FakeReader();
        using var sampler = new CpuUsageSampler(reader, _time);
        reader.UsageNanoseconds += 1_000_000_000;
        _time.Advance(TimeSpan.FromMilliseconds(500));

        reader.Readable = false;
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(50, sampler.Usage);
    }

    [Fact]
    public void Dispose_StopsTheTimer()
    {
        var sampler = new CpuUsageSampler(new FakeReader(), _time);
        Assert.Equal(1, _time.ActiveTimers);
        sampler.Dispose();
        Assert.Equal(0, _time.ActiveTimers);
    }
}
