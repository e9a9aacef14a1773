namespace RedBook.ServiceDefaults.Internal.Cpu;

/// <summary>
/// Samples this service's CPU usage every 500 ms on a <see cref="TimeProvider"/> timer and smooths it with an
/// exponential moving average (decay 0.95, as go-kratos/aegis): <c>cpu = cpu·0.95 + sample·0.05</c>. A sample is
/// the CPU time the cgroup consumed since the previous tick divided by the elapsed time and the quota in cores,
/// in per mille, capped at 1000. The cgroup (v2 or v1) is read when readable; otherwise the process's CPU time
/// over all logical processors is used.
/// </summary>
public sealed class CpuUsageSampler : ICpuUsageSource, IDisposable
{
    /// <summary>The sampling interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>The EMA decay.</summary>
    public const double Decay = 0.95;

    private readonly ICpuStatReader _reader;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _lastUsage;
    private long _lastTimestamp;
    private bool _primed;
    private double _smoothed;
    private int _usage;

    /// <summary>Creates a sampler over this machine's cgroup (or the process fallback) on <paramref name="timeProvider"/>.</summary>
    public CpuUsageSampler(TimeProvider timeProvider)
        : this(CgroupCpuStatReader.Create(), timeProvider)
    {
    }

    internal CpuUsageSampler(ICpuStatReader reader, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _reader = reader;
        _timeProvider = timeProvider;
        Sample();
        _timer = timeProvider.CreateTimer(static s => ((CpuUsageSampler)s!).Sample(), this, Interval, Interval);
    }

    /// <inheritdoc />
    public int Usage => Volatile.Read(ref _usage);

    /// <summary>Where the samples come from: <c>cgroup2</c>, <c>cgroup1</c> or <c>process</c>.</summary>
    public string SourceKind => _reader.Kind;

    /// <summary>The CPU quota, in cores, seen at the last sample.</summary>
    public double QuotaCores { get; private set; }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    internal void Sample()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            if (!_reader.TryRead(out var stat))
            {
                return; // keep the last value; the files may come back.
            }

            QuotaCores = stat.QuotaCores;
            if (!_primed)
            {
                _primed = true;
                _lastUsage = stat.UsageNanoseconds;
                _lastTimestamp = now;
                return;
            }

            var elapsedNs = (now - _lastTimestamp) * 1e9 / _timeProvider.TimestampFrequency;
            var usedNs = stat.UsageNanoseconds - _lastUsage;
            _lastUsage = stat.UsageNanoseconds;
            _lastTimestamp = now;
            if (elapsedNs <= 0 || usedNs < 0 || stat.QuotaCores <= 0)
            {
                return;
            }

            var sample = Math.Min(1000.0, usedNs * 1000.0 / (elapsedNs * stat.QuotaCores));
            _smoothed = (_smoothed * Decay) + (sample * (1 - Decay));
            Volatile.Write(ref _usage, (int)_smoothed);
        }
    }
}
