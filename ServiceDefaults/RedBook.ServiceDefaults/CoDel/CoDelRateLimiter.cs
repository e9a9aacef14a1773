using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.CoDel;

/// <summary>
/// An admission queue for work that may wait briefly instead of being rejected at once: a concurrency limit
/// (<see cref="CoDelOptions.PermitLimit"/>) whose waiters are managed by CoDel with adaptive LIFO, as a
/// <see cref="RateLimiter"/>.
/// </summary>
/// <remarks>
/// <para>
/// CoDel follows folly's <c>Codel.cpp</c>: each time a waiter is dequeued its queueing delay is a sample; at the
/// end of each <see cref="CoDelOptions.Interval"/> the queue is <em>overloaded</em> if the minimum sample of that
/// interval was above <see cref="CoDelOptions.TargetDelay"/>; the first sample after the interval rolls starts the
/// new minimum and is never shed. While overloaded, a dequeued waiter that waited more than 2 × target is shed
/// (folly's "slough") instead of served. Our additions, documented here: a request admitted at once counts as a
/// zero-delay sample; because adaptive LIFO can leave the oldest waiters behind indefinitely, while overloaded
/// every enqueue and dequeue also sheds waiters from the old end that already waited more than 2 × target
/// ("Fail at Scale" bounds queueing time the same way); an interval that ends with nothing dequeued is judged on
/// the newest waiter's delay so far (a lower bound of every current waiter's delay), or zero if none waits.
/// </para>
/// <para>
/// Adaptive LIFO ("Fail at Scale", ACM Queue 2015): FIFO normally, newest first while overloaded; when the queue
/// is full and overloaded, the oldest waiter is shed to make room, otherwise the newcomer is rejected.
/// </para>
/// <para>
/// <see cref="RateLimiter.AttemptAcquire(int)"/> never waits. Rejected and shed leases carry
/// <see cref="OverloadLeaseMetadata.Reason"/> = <see cref="WellKnownReasons.Overloaded"/>, a phrase and
/// <see cref="MetadataName.RetryAfter"/> = the interval. Cancelling a waiting request removes it from the queue and
/// faults its task with <see cref="OperationCanceledException"/>. Successful leases are pooled: dispose each once.
/// Permit counts above 1 are rejected with <see cref="ArgumentOutOfRangeException"/>. All timing reads the
/// injected <see cref="TimeProvider"/>.
/// </para>
/// </remarks>
public sealed class CoDelRateLimiter : RateLimiter
{
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _subscription;
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private Settings _settings;
    private int _available;
    private int _queueCount;
    private long _successful;
    private long _failed;
    private int _disposed;

    // CoDel state: written under _gate, except _minDelay, which the lock-free fast path lowers to zero.
    private long _minDelay;
    private long _intervalEnd;
    private bool _overloaded;

    /// <summary>Creates a queue with fixed <paramref name="options"/>.</summary>
    /// <param name="options">The options; validated.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="name">The name on metrics.</param>
    public CoDelRateLimiter(CoDelOptions options, TimeProvider? timeProvider = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider ?? TimeProvider.System;
        Name = name ?? Options.DefaultName;
        _settings = new Settings(Validated(options), _timeProvider);
        _available = _settings.Options.PermitLimit;
        _intervalEnd = _timeProvider.GetTimestamp() + _settings.IntervalTicks;
        CoDelTelemetry.Register(this);
    }

    /// <summary>Creates a queue that follows the named options of <paramref name="options"/> live.</summary>
    /// <param name="options">The options monitor.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="name">The options name (<see cref="Options.DefaultName"/> for the default queue).</param>
    public CoDelRateLimiter(IOptionsMonitor<CoDelOptions> options, TimeProvider timeProvider, string? name = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Get(name ?? Options.DefaultName), timeProvider, name)
    {
        _subscription = options.OnChange((o, n) =>
        {
            if (n == Name)
            {
                Update(o);
            }
        });
    }

    /// <summary>The queue's name, as tagged on metrics.</summary>
    public string Name { get; }

    /// <summary>The options in force.</summary>
    public CoDelOptions CurrentOptions => _settings.Options.Clone();

    /// <summary>How many requests wait.</summary>
    public int QueueLength => Volatile.Read(ref _queueCount);

    /// <summary>How many permits are free (negative after the limit was lowered below the permits in use).</summary>
    public int AvailablePermits => Volatile.Read(ref _available);

    /// <summary>Whether the last interval judged the queue overloaded (so it serves newest first and sheds).</summary>
    public bool IsOverloaded => Volatile.Read(ref _overloaded);

    /// <inheritdoc />
    /// <remarks>The queue keeps no idle clock on its hot path, so it reports itself never idle.</remarks>
    public override TimeSpan? IdleDuration => null;

    /// <summary>Applies new options: a new permit limit frees or withholds permits, the rest applies to the next decision.</summary>
    /// <exception cref="ValidationException">The options are invalid; the old ones stay in force.</exception>
    public void Update(CoDelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var next = new Settings(Validated(options), _timeProvider);
        int delta;
        lock (_gate)
        {
            delta = next.Options.PermitLimit - _settings.Options.PermitLimit;
            _settings = next;
            Interlocked.Add(ref _available, delta);
        }

        Dispatch();
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Math.Max(0, AvailablePermits),
        CurrentQueuedCount = QueueLength,
        TotalFailedLeases = Volatile.Read(ref _failed),
        TotalSuccessfulLeases = Volatile.Read(ref _successful),
    };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return TryAcquireNow(permitCount) ?? Reject(_settings.NoPermit, "no_permit");
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (TryAcquireNow(permitCount) is { } immediate)
        {
            return new ValueTask<RateLimitLease>(immediate);
        }

        if (permitCount == 0)
        {
            return new ValueTask<RateLimitLease>(Reject(_settings.NoPermit, "no_permit")); // a probe never waits.
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
        }

        Waiter waiter;
        lock (_gate)
        {
            var settings = _settings;
            var now = _timeProvider.GetTimestamp();
            if (now > _intervalEnd)
            {
                // Nothing dequeued to roll the interval: judge it on the newest waiter's delay so far.
                Roll(now, _queue.Last is { } newest ? now - newest.Value.Enqueued : 0, settings);
            }

            SweepLocked(now, settings);
            if (_queue.Count == 0 && TryTakePermit())
            {
                return new ValueTask<RateLimitLease>(Granted());
            }

            if (_queue.Count >= settings.Options.QueueLimit)
            {
                if (!_overloaded || _queue.First is not { } oldest)
                {
                    return new ValueTask<RateLimitLease>(Reject(settings.QueueFull, "queue_full"));
                }

                RemoveLocked(oldest).Complete(Reject(settings.QueueFull, "queue_full"));
            }

            waiter = new Waiter(this, now);
            waiter.Node = _queue.AddLast(waiter);
            Interlocked.Increment(ref _queueCount);
        }

        waiter.Listen(cancellationToken);
        Dispatch();
        return new ValueTask<RateLimitLease>(waiter.Task);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && disposing)
        {
            _subscription?.Dispose();
            CoDelTelemetry.Unregister(this);
            lock (_gate)
            {
                while (_queue.First is { } first)
                {
                    RemoveLocked(first).Complete(Reject(_settings.QueueFull, "disposed"));
                }
            }
        }

        base.Dispose(disposing);
    }

    // A lease when a permit is free and nobody waits (a probe for permitCount 0), else null. Counts nothing on failure.
    private RateLimitLease? TryAcquireNow(int permitCount)
    {
        if (Volatile.Read(ref _queueCount) != 0)
        {
            return null;
        }

        if (permitCount == 0)
        {
            return Volatile.Read(ref _available) > 0 ? UntrackedLease.Instance : null;
        }

        return TryTakePermit() ? Granted() : null;
    }

    private CoDelLease Granted()
    {
        // An admission without waiting is a zero-delay sample: no standing queue in this interval.
        if (Volatile.Read(ref _minDelay) != 0)
        {
            Volatile.Write(ref _minDelay, 0);
        }

        Interlocked.Increment(ref _successful);
        var lease = LeasePool<CoDelLease>.Rent() ?? new CoDelLease();
        lease.Owner = this;
        return lease;
    }

    private RejectedLease Reject(RejectedLease lease, string reason)
    {
        Interlocked.Increment(ref _failed);
        CoDelTelemetry.Shed(this, reason);
        return lease;
    }

    private bool TryTakePermit()
    {
        var available = Volatile.Read(ref _available);
        while (available > 0)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - 1, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    private void Release()
    {
        Interlocked.Increment(ref _available);
        if (Volatile.Read(ref _queueCount) > 0)
        {
            Dispatch();
        }
    }

    private void Dispatch()
    {
        lock (_gate)
        {
            var settings = _settings;
            var now = _timeProvider.GetTimestamp();
            while (_queue.Count > 0 && TryTakePermit())
            {
                var node = _overloaded ? _queue.Last! : _queue.First!;
                var delay = now - node.Value.Enqueued;
                var waiter = RemoveLocked(node);
                if (Slough(delay, now, settings))
                {
                    Interlocked.Increment(ref _available);
                    waiter.Complete(Reject(settings.Sloughed, "sloughed"));
                    continue;
                }

                if (!waiter.Complete(null))
                {
                    Interlocked.Increment(ref _available); // cancelled meanwhile: the permit goes to the next one.
                }
            }

            SweepLocked(now, settings);
        }
    }

    // folly's Codel::overloaded for one dequeued sample; true means shed it.
    private bool Slough(long delay, long now, Settings settings)
    {
        if (now > _intervalEnd)
        {
            Roll(now, delay, settings);
            return false; // the first sample of an interval is never shed.
        }

        if (delay < _minDelay)
        {
            _minDelay = delay;
        }

        return _overloaded && delay > settings.SloughTicks;
    }

    private void Roll(long now, long sample, Settings settings)
    {
        Volatile.Write(ref _overloaded, Volatile.Read(ref _minDelay) > settings.TargetTicks);
        _intervalEnd = now + settings.IntervalTicks;
        _minDelay = sample;
    }

    // While overloaded, waiters at the old end that already waited more than 2 x target are shed.
    private void SweepLocked(long now, Settings settings)
    {
        while (_overloaded && _queue.First is { } oldest && now - oldest.Value.Enqueued > settings.SloughTicks)
        {
            RemoveLocked(oldest).Complete(Reject(settings.Sloughed, "sloughed"));
        }
    }

    private Waiter RemoveLocked(LinkedListNode<Waiter> node)
    {
        _queue.Remove(node);
        Interlocked.Decrement(ref _queueCount);
        return node.Value;
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already served or shed.
            }

            RemoveLocked(waiter.Node);
        }

        waiter.Cancel(token);
    }

    private static CoDelOptions Validated(CoDelOptions options)
    {
        var copy = options.Clone();
        Validator.ValidateObject(copy, new ValidationContext(copy), validateAllProperties: true);
        return copy;
    }

    private sealed class Settings
    {
        public Settings(CoDelOptions options, TimeProvider timeProvider)
        {
            Options = options;
            TargetTicks = ToTicks(options.TargetDelay, timeProvider);
            SloughTicks = 2 * TargetTicks;
            IntervalTicks = ToTicks(options.Interval, timeProvider);
            Sloughed = new RejectedLease(WellKnownReasons.Overloaded, CoDelConstants.SloughedPhrase, options.Interval);
            QueueFull = new RejectedLease(WellKnownReasons.Overloaded, CoDelConstants.QueueFullPhrase, options.Interval);
            NoPermit = new RejectedLease(WellKnownReasons.Overloaded, CoDelConstants.NoPermitPhrase, options.Interval);
        }

        public CoDelOptions Options { get; }

        public long TargetTicks { get; }

        public long SloughTicks { get; }

        public long IntervalTicks { get; }

        public RejectedLease Sloughed { get; }

        public RejectedLease QueueFull { get; }

        public RejectedLease NoPermit { get; }

        private static long ToTicks(TimeSpan span, TimeProvider timeProvider)
            => (long)(span.TotalSeconds * timeProvider.TimestampFrequency);
    }

    private sealed class Waiter(CoDelRateLimiter owner, long enqueued)
    {
        private readonly TaskCompletionSource<RateLimitLease> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;

        public long Enqueued { get; } = enqueued;

        public LinkedListNode<Waiter>? Node { get; set; }

        public Task<RateLimitLease> Task => _completion.Task;

        public void Listen(CancellationToken token)
        {
            if (token.CanBeCanceled)
            {
                _registration = token.UnsafeRegister(static (s, t) => ((Waiter)s!).OnCancelled(t), this);
            }
        }

        // Completes with `rejected`, or with a fresh successful lease when null; false when already cancelled.
        public bool Complete(RejectedLease? rejected)
        {
            _registration.Unregister();
            if (rejected is not null)
            {
                return _completion.TrySetResult(rejected);
            }

            if (_completion.Task.IsCompleted)
            {
                return false;
            }

            Interlocked.Increment(ref owner._successful);
            var lease = LeasePool<CoDelLease>.Rent() ?? new CoDelLease();
            lease.Owner = owner;
            if (_completion.TrySetResult(lease))
            {
                return true;
            }

            lease.Owner = null;
            Interlocked.Decrement(ref owner._successful);
            return false;
        }

        public void Cancel(CancellationToken token) => _completion.TrySetCanceled(token);

        private void OnCancelled(CancellationToken token) => owner.Cancel(this, token);
    }

    private sealed class CoDelLease : RateLimitLease
    {
        public CoDelRateLimiter? Owner;

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
            owner.Release();
            LeasePool<CoDelLease>.Return(this);
        }
    }
}
