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
/// <b>Overload</b> is judged on the queue, not on whom it serves, so serving order cannot hide it. CoDel (folly's
/// <c>Codel.cpp</c>) calls a queue overloaded when the shortest queueing delay over an
/// <see cref="CoDelOptions.Interval"/> stayed above <see cref="CoDelOptions.TargetDelay"/>. Here that delay is the age
/// of the <em>oldest</em> waiter (zero while nobody waits), the delay a FIFO queue would report: the queue turns
/// overloaded once its oldest waiter has been older than the target for a whole interval without a break, that is,
/// once a queue has stood for an interval. It stays overloaded until a whole interval passes without shedding anyone
/// (in the spirit of "Fail at Scale": a queue that keeps its waiters within twice the target is no longer standing).
/// Judging the delay of the <em>served</em> requests instead, as folly does, fails twice over: arrivals faster than
/// the target make the newest waiter's delay look small, and in LIFO mode the served are the newest, so every
/// overloaded interval looked healthy and was followed by one of FIFO without shedding.
/// </para>
/// <para>
/// While overloaded, the queue serves the newest waiter first (adaptive LIFO, "Fail at Scale", ACM Queue 2015) and
/// sheds every waiter once it has waited more than 2 × target; a full queue sheds its oldest waiter to admit the
/// newcomer, where a queue that is not overloaded rejects the newcomer. A timer of the injected
/// <see cref="TimeProvider"/> acts on time alone (only while someone waits), so with every permit held and no other
/// traffic a waiter is still shed on time: nobody waits longer than <see cref="CoDelOptions.Interval"/> +
/// <see cref="CoDelOptions.TargetDelay"/> for the queue to turn overloaded, nor longer than 2 × target once it is.
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

    // CoDel state, written under _gate. _goodUntil: until when the oldest waiter is known to have been within the
    // target (the oldest waiter's age has been above it without a break since then). _lastShed: when a waiter was
    // last shed. _timerDue: when the timer fires next (long.MaxValue: disarmed).
    private readonly ITimer _timer;
    private long _goodUntil;
    private long _lastShed;
    private long _timerDue = long.MaxValue;
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
        _timer = _timeProvider.CreateTimer(static s => ((CoDelRateLimiter)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

    /// <summary>
    /// Whether the queue is overloaded (so it serves newest first and sheds): a queue has stood for an interval, and
    /// an interval without shedding has not passed since.
    /// </summary>
    public bool IsOverloaded
    {
        get
        {
            lock (_gate)
            {
                var now = _timeProvider.GetTimestamp();
                var settings = _settings;
                return _overloaded
                    ? now - _lastShed < settings.IntervalTicks
                    : _queue.Count > 0 && now - _goodUntil >= settings.IntervalTicks;
            }
        }
    }

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
            Evaluate(now, settings);
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

                ShedLocked(oldest, now, settings, settings.QueueFull, "queue_full");
            }

            if (_queue.Count == 0)
            {
                _goodUntil = now + settings.TargetTicks; // a new queue: its oldest waiter is within the target until then
            }

            waiter = new Waiter(this, now);
            waiter.Node = _queue.AddLast(waiter);
            Interlocked.Increment(ref _queueCount);
            ArmLocked(now, settings);
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
                _timer.Dispose();
                var now = _timeProvider.GetTimestamp();
                while (_queue.First is { } first)
                {
                    RemoveLocked(first, now, _settings).Complete(Reject(_settings.QueueFull, "disposed"));
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
            Evaluate(now, settings);
            while (_queue.Count > 0 && TryTakePermit())
            {
                var node = _overloaded ? _queue.Last! : _queue.First!;
                if (_overloaded && now - node.Value.Enqueued > settings.SloughTicks)
                {
                    Interlocked.Increment(ref _available);
                    ShedLocked(node, now, settings, settings.Sloughed, "sloughed");
                    continue;
                }

                if (!RemoveLocked(node, now, settings).Complete(null))
                {
                    Interlocked.Increment(ref _available); // cancelled meanwhile: the permit goes to the next one.
                }
            }

            ArmLocked(now, settings);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            _timerDue = long.MaxValue;
            var now = _timeProvider.GetTimestamp();
            Evaluate(now, _settings);
            ArmLocked(now, _settings);
        }
    }

    // Brings the overload state up to `now` and, while overloaded, sheds the waiters that waited more than 2 x target
    // (oldest first, so they leave from the old end whatever the serving order).
    private void Evaluate(long now, Settings settings)
    {
        if (_overloaded)
        {
            if (now - _lastShed >= settings.IntervalTicks)
            {
                Volatile.Write(ref _overloaded, false); // a whole interval without shedding: the queue keeps up
            }
        }
        else if (_queue.Count > 0 && now - _goodUntil >= settings.IntervalTicks)
        {
            Volatile.Write(ref _overloaded, true); // the oldest waiter stayed above the target for a whole interval
            _lastShed = now;
        }

        while (_overloaded && _queue.First is { } oldest && now - oldest.Value.Enqueued > settings.SloughTicks)
        {
            ShedLocked(oldest, now, settings, settings.Sloughed, "sloughed");
        }
    }

    // The timer fires when the next thing can happen on time alone: the queue turning overloaded, the oldest waiter
    // passing 2 x target, or the overload ending. It is armed only while someone waits, and moved only earlier.
    private void ArmLocked(long now, Settings settings)
    {
        long due;
        if (_queue.First is not { } oldest)
        {
            if (_timerDue != long.MaxValue)
            {
                _timerDue = long.MaxValue;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        due = _overloaded
            ? Math.Min(oldest.Value.Enqueued + settings.SloughTicks + 1, _lastShed + settings.IntervalTicks)
            : _goodUntil + settings.IntervalTicks;
        if (due < _timerDue)
        {
            _timerDue = due;
            // Rounded up: a timer that fired a fraction of a millisecond early would find nothing due and re-arm at once.
            _timer.Change(TimerDuration.ClampNotBefore(TimestampMath.ToTimeSpan(Math.Max(0, due - now), _timeProvider)), Timeout.InfiniteTimeSpan);
        }
    }

    private void ShedLocked(LinkedListNode<Waiter> node, long now, Settings settings, RejectedLease lease, string reason)
    {
        _lastShed = now;
        RemoveLocked(node, now, settings).Complete(Reject(lease, reason));
    }

    private Waiter RemoveLocked(LinkedListNode<Waiter> node, long now, Settings settings)
    {
        var wasOldest = node == _queue.First;
        _queue.Remove(node);
        Interlocked.Decrement(ref _queueCount);
        if (wasOldest && _queue.First is { } next && now - next.Value.Enqueued <= settings.TargetTicks)
        {
            // The new oldest waiter is within the target: the standing queue, if any, is broken until it passes it.
            _goodUntil = Math.Max(_goodUntil, next.Value.Enqueued + settings.TargetTicks);
        }

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

            RemoveLocked(waiter.Node, _timeProvider.GetTimestamp(), _settings);
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

        private static long ToTicks(TimeSpan span, TimeProvider timeProvider) => TimestampMath.ToTimestampDelta(span, timeProvider);
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
