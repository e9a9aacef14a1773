using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.ServiceDefaults.Bbr;

/// <summary>
/// BBR-style adaptive load shedding (go-kratos/aegis <c>ratelimit/bbr</c>) as a <see cref="RateLimiter"/>, so it
/// plugs into ASP.NET Core's rate-limiting middleware and Polly's rate-limiter strategy unchanged.
/// </summary>
/// <remarks>
/// <para>
/// Every completed request adds its response time to a rolling window (10 s in 100 buckets by default).
/// maxPass is the largest per-bucket pass count and minRT the smallest per-bucket mean RT in ms, both over the
/// finished buckets and cached for one bucket; maxInFlight = floor(maxPass · minRT · bucketsPerSecond / 1000),
/// the concurrency the service sustained at its best (Little's law).
/// </para>
/// <para>
/// A request is dropped when (CPU ≥ <see cref="BbrOptions.CpuThreshold"/>, or the last drop happened within
/// <see cref="BbrOptions.CoolDown"/>) and inFlight &gt; 1 and inFlight &gt; maxInFlight. Unlike aegis, which
/// times the cool-down from the first drop of an episode, the cool-down here runs from the last drop made at high
/// CPU; drops made during the cool-down do not extend it.
/// </para>
/// <para>
/// A rejected lease carries <see cref="OverloadLeaseMetadata.Reason"/> = <see cref="WellKnownReasons.Overloaded"/>,
/// a reason phrase and <see cref="MetadataName.RetryAfter"/> = the cool-down. A successful lease is pooled: its
/// <see cref="RateLimitLease.Dispose()"/> records the RT and the pass and ends the in-flight count. Dispose it
/// exactly once; after disposal the object may already serve another request.
/// </para>
/// <para>Permit counts above 1 are rejected with <see cref="ArgumentOutOfRangeException"/>: BBR counts requests. A count
/// of 0 is a status probe: it reports whether a request would be shed now, and counts as neither a shed nor a drop.</para>
/// </remarks>
public sealed class BbrRateLimiter : RateLimiter
{
    private readonly ICpuUsageSource _cpu;
    private readonly TimeProvider _timeProvider;
    private readonly double _microsecondsPerTick;
    private readonly IDisposable? _subscription;
    private Settings _settings;
    private long _acquired;
    private long _released;
    private long _failed;
    private long _lastDrop;
    private bool _dropping;
    private int _disposed;

    /// <summary>Creates a limiter with fixed <paramref name="options"/>.</summary>
    /// <param name="options">The options; validated.</param>
    /// <param name="cpu">The CPU source (usually the shared <see cref="CpuUsageSampler"/>).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="name">The name on metrics.</param>
    public BbrRateLimiter(BbrOptions options, ICpuUsageSource cpu, TimeProvider? timeProvider = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cpu);
        _cpu = cpu;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _microsecondsPerTick = 1_000_000.0 / _timeProvider.TimestampFrequency;
        Name = name ?? Options.DefaultName;
        _settings = new Settings(Validated(options), _timeProvider, previous: null);
        BbrTelemetry.Register(this);
    }

    /// <summary>Creates a limiter that follows the named options of <paramref name="options"/> live.</summary>
    /// <param name="options">The options monitor.</param>
    /// <param name="cpu">The CPU source.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="name">The options name (<see cref="Options.DefaultName"/> for the default limiter).</param>
    public BbrRateLimiter(IOptionsMonitor<BbrOptions> options, ICpuUsageSource cpu, TimeProvider timeProvider, string? name = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Get(name ?? Options.DefaultName), cpu, timeProvider, name)
    {
        _subscription = options.OnChange((o, n) =>
        {
            if (n == Name)
            {
                Update(o);
            }
        });
    }

    /// <summary>The limiter's name, as tagged on metrics.</summary>
    public string Name { get; }

    /// <summary>The options in force.</summary>
    public BbrOptions CurrentOptions => _settings.Options.Clone();

    /// <summary>The requests admitted and not yet completed.</summary>
    public long InFlight => Volatile.Read(ref _acquired) - Volatile.Read(ref _released);

    /// <summary>The current CPU usage, in per mille, as the limiter sees it.</summary>
    public int Cpu => _cpu.Usage;

    /// <summary>maxInFlight = floor(maxPass · minRT · bucketsPerSecond / 1000) as of now.</summary>
    public long MaxInFlight => MaxInFlightAt(_settings, _timeProvider.GetTimestamp());

    /// <summary>The total number of shed requests.</summary>
    public long ShedCount => Volatile.Read(ref _failed);

    /// <inheritdoc />
    /// <remarks>BBR keeps statistics for its whole life, so it is never idle (a partitioned limiter never evicts it).</remarks>
    public override TimeSpan? IdleDuration => null;

    /// <summary>Applies new options; a change of the window or bucket count starts fresh statistics.</summary>
    /// <exception cref="ValidationException">The options are invalid; the old ones stay in force.</exception>
    public void Update(BbrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validated = Validated(options);
        _settings = new Settings(validated, _timeProvider, _settings);
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        var inFlight = InFlight;
        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = Math.Max(0, MaxInFlight - inFlight),
            CurrentQueuedCount = 0,
            TotalFailedLeases = Volatile.Read(ref _failed),
            TotalSuccessfulLeases = Volatile.Read(ref _acquired),
        };
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        // The checks stay out of line: the hot path pays two compares.
        if (permitCount > 1)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            ObjectDisposedException.ThrowIf(true, this);
        }

        var settings = _settings;
        if (!settings.Enabled)
        {
            return UntrackedLease.Instance;
        }

        var now = _timeProvider.GetTimestamp();
        if (permitCount == 0)
        {
            // A status probe: it reports whether a request would be shed now, and is neither a shed nor a drop that
            // restarts the cool-down.
            return WouldDrop(settings, now) ? settings.Rejected : UntrackedLease.Instance;
        }

        if (ShouldDrop(settings, now))
        {
            Interlocked.Increment(ref _failed);
            BbrTelemetry.Shed(this);
            return settings.Rejected;
        }

        Interlocked.Increment(ref _acquired);
        var lease = BbrLease.Rent();
        lease.Owner = this;
        lease.Start = now;
        return lease;
    }

    /// <inheritdoc />
    /// <remarks>BBR never queues: the answer is immediate.</remarks>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<RateLimitLease>(cancellationToken)
            : new ValueTask<RateLimitLease>(AttemptAcquireCore(permitCount));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && disposing)
        {
            _subscription?.Dispose();
            BbrTelemetry.Unregister(this);
        }

        base.Dispose(disposing);
    }

    internal bool ShouldDrop(long now) => ShouldDrop(_settings, now);

    private bool ShouldDrop(Settings settings, long now)
    {
        var cpu = _cpu.Usage;
        if (cpu < settings.CpuThreshold)
        {
            if (!Volatile.Read(ref _dropping))
            {
                return false; // the hot path: no overload, no recent drop.
            }

            if (now - Volatile.Read(ref _lastDrop) <= settings.CoolDownTicks)
            {
                return Overloaded(settings, now, cpu);
            }

            Volatile.Write(ref _dropping, false);
            return false;
        }

        var drop = Overloaded(settings, now, cpu);
        if (drop)
        {
            Volatile.Write(ref _lastDrop, now);
            Volatile.Write(ref _dropping, true);
        }

        return drop;
    }

    // ShouldDrop's decision without its side effects (no cool-down started, none ended).
    private bool WouldDrop(Settings settings, long now)
    {
        var cpu = _cpu.Usage;
        var hot = cpu >= settings.CpuThreshold
            || (Volatile.Read(ref _dropping) && now - Volatile.Read(ref _lastDrop) <= settings.CoolDownTicks);
        return hot && Overloaded(settings, now, cpu);
    }

    private bool Overloaded(Settings settings, long now, int cpu)
    {
        var inFlight = InFlight;
        if (inFlight <= 1)
        {
            return false;
        }

        double limit = MaxInFlightAt(settings, now);
        if (settings.MinimumCapacityFactor > 0)
        {
            var factor = (1000.0 - cpu) / Math.Max(1, 1000 - settings.CpuThreshold);
            limit *= Math.Clamp(factor, settings.MinimumCapacityFactor, 1.0);
        }

        return inFlight > limit;
    }

    private static long MaxInFlightAt(Settings settings, long now)
    {
        var epoch = settings.Window.EpochOf(now);
        if (Volatile.Read(ref settings.CachedEpoch) == epoch)
        {
            return Volatile.Read(ref settings.CachedMaxInFlight);
        }

        var maxPass = settings.Window.MaxCount(now, includeCurrent: false, fallback: 1);
        var minRtMicros = settings.Window.MinMean(now, includeCurrent: false, fallback: 0);
        var minRt = Math.Max(1L, (long)Math.Ceiling(minRtMicros / 1000.0));
        var maxInFlight = (long)Math.Floor(maxPass * minRt * settings.BucketsPerSecond / 1000.0);
        Volatile.Write(ref settings.CachedMaxInFlight, maxInFlight);
        Volatile.Write(ref settings.CachedEpoch, epoch);
        return maxInFlight;
    }

    private void Complete(long start)
    {
        var now = _timeProvider.GetTimestamp();
        var rt = (long)((now - start) * _microsecondsPerTick);
        _settings.Window.Add(now, rt);
        Interlocked.Increment(ref _released);
    }

    private static BbrOptions Validated(BbrOptions options)
    {
        var copy = options.Clone();
        Validator.ValidateObject(copy, new ValidationContext(copy), validateAllProperties: true);
        return copy;
    }

    private sealed class Settings
    {
        public long CachedEpoch = long.MinValue;
        public long CachedMaxInFlight;

        public Settings(BbrOptions options, TimeProvider timeProvider, Settings? previous)
        {
            Options = options;
            var bucket = options.Window / options.Buckets;
            Window = previous is not null && previous.Options.Window == options.Window && previous.Options.Buckets == options.Buckets
                ? previous.Window
                : new RollingWindow(options.Buckets, bucket, timeProvider);
            BucketsPerSecond = TimeSpan.FromSeconds(1) / bucket;
            Enabled = options.Enabled;
            CpuThreshold = options.CpuThreshold;
            CoolDownTicks = (long)(options.CoolDown.TotalSeconds * timeProvider.TimestampFrequency);
            MinimumCapacityFactor = options.MinimumCapacityFactor;
            Rejected = new RejectedLease(WellKnownReasons.Overloaded, BbrConstants.RejectionPhrase, options.CoolDown);
        }

        public BbrOptions Options { get; }

        public RollingWindow Window { get; }

        public double BucketsPerSecond { get; }

        public bool Enabled { get; }

        public int CpuThreshold { get; }

        public long CoolDownTicks { get; }

        public double MinimumCapacityFactor { get; }

        public RejectedLease Rejected { get; }
    }

    private sealed class BbrLease : RateLimitLease
    {
        // One lease per thread in front of LeasePool: a non-generic thread static, which the JIT reads inline (LeasePool's
        // generic one goes through the runtime's generic thread-static lookup, about as costly as the rest of the call).
        [ThreadStatic]
        private static BbrLease? s_local;

        public BbrRateLimiter? Owner;
        public long Start;

        public static BbrLease Rent()
        {
            var lease = s_local;
            if (lease is not null)
            {
                s_local = null;
                return lease;
            }

            return LeasePool<BbrLease>.Rent() ?? new BbrLease();
        }

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            var owner = Owner;
            if (owner is null)
            {
                return;
            }

            Owner = null;
            owner.Complete(Start);
            if (s_local is null)
            {
                s_local = this;
            }
            else
            {
                LeasePool<BbrLease>.Return(this);
            }
        }
    }
}
