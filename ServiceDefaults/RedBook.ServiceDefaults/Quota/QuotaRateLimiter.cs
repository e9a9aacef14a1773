using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Quota;

/// <summary>Where a <see cref="QuotaRateLimiter"/>'s current limit comes from.</summary>
public enum QuotaMode
{
    /// <summary>No answer from the store yet: the static limit applies.</summary>
    Starting = 0,

    /// <summary>A valid lease from the store: its grant applies.</summary>
    Leased = 1,

    /// <summary>The store is unreachable and the last lease expired (or there never was one): the static limit applies.</summary>
    Degraded = 2,
}

/// <summary>
/// The quota client, as a <see cref="RateLimiter"/> (so it plugs into ASP.NET Core's rate-limiting middleware and
/// Polly's rate-limiter strategy). It leases a share of a resource's capacity from an <see cref="IQuotaStore"/> in one
/// batch (a rate, not a permit per call), enforces it locally with a token bucket refilled every 100 ms by a timer of
/// the injected <see cref="TimeProvider"/> (reshaped in place, keeping its tokens, when the grant changes), refreshes the lease
/// every refresh interval, well before it expires, and early when the local bucket runs dry; when the store fails it backs off (1 s doubling to 1 min) and keeps the lease until it
/// expires, then degrades to <see cref="QuotaOptions.StaticLimit"/> until the store answers again.
/// </summary>
/// <remarks>
/// Each refresh asks for the demand observed since the previous one (permits requested, granted or not, per second)
/// times <see cref="QuotaOptions.DemandHeadroom"/>, at least 1 permit per second; the first asks for
/// <see cref="QuotaOptions.InitialWants"/>; an early refresh because the bucket ran dry asks for at least twice the
/// current limit. The bucket keeps its tokens across grant changes, so a new grant is never a free burst.
/// <para>Deviation: the framework's <see cref="TokenBucketRateLimiter"/> is not used, because with
/// <c>AutoReplenishment = false</c> it measures the refill with <c>Stopwatch</c>, not with the injected clock, so it
/// cannot be driven deterministically (see <c>Internal/ClockedTokenBucket</c>). There is no queue: an acquire that
/// finds too few tokens fails at once with a lease carrying <see cref="MetadataName.RetryAfter"/> and the reason
/// <see cref="QuotaConstants.ExhaustedReason"/>; a grant of 0 rejects everything.</para>
/// </remarks>
public sealed class QuotaRateLimiter : RateLimiter
{
    private const double MinWants = 1.0;

    private static readonly TimeSpan s_replenishPeriod = TimeSpan.FromMilliseconds(100);

    private static readonly RateLimitLease s_rejectedNoRate = new RejectedLease(QuotaConstants.ExhaustedReason, "The quota grants no permits.", TimeSpan.FromSeconds(1));

    private readonly string _resource;
    private readonly string _clientId;
    private readonly IQuotaStore _store;
    private readonly IOptionsMonitor<QuotaOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly ITimer _refreshTimer;
    private readonly ITimer _replenishTimer;
    private readonly IDisposable? _optionsSubscription;
    private readonly ClockedTokenBucket _bucket;
    private RateLimitLease _rejected = s_rejectedNoRate;
    private QuotaLease? _lease;
    private QuotaMode _mode;
    private double _limit;
    private int _failures;
    private long _demand;
    private long _demandSince;
    private long _lastRefreshStart;
    private int _refreshing;
    private bool _disposed;

    /// <summary>Creates the limiter and starts leasing at once.</summary>
    /// <param name="resource">The quota resource (its options are <c>RedBook:Quota:{resource}</c>).</param>
    /// <param name="clientId">This client's id within the resource (stable for the process's life).</param>
    /// <param name="store">The quota store.</param>
    /// <param name="options">The options monitor; the named instance <paramref name="resource"/> applies.</param>
    /// <param name="timeProvider">The clock of refreshes, back-off and replenishment; <see cref="TimeProvider.System"/> when null.</param>
    public QuotaRateLimiter(string resource, string clientId, IQuotaStore store, IOptionsMonitor<QuotaOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _resource = resource;
        _clientId = clientId;
        _store = store;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var initial = options.Get(resource);
        _bucket = new ClockedTokenBucket(initial.StaticLimit, Capacity(initial.StaticLimit, initial));
        _replenishTimer = _timeProvider.CreateTimer(static s => ((QuotaRateLimiter)s!)._bucket.Replenish(s_replenishPeriod), this, s_replenishPeriod, s_replenishPeriod);
        _demandSince = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            ApplyLimit(initial.StaticLimit, initial);
        }

        _optionsSubscription = options.OnChange((value, name) =>
        {
            if (string.Equals(name ?? Options.DefaultName, _resource, StringComparison.Ordinal))
            {
                OnOptionsChanged(value);
            }
        });
        // Armed only once assigned: a timer due at once may call back before CreateTimer returns, and the refresh
        // re-arms _refreshTimer (a null one would leave the limiter on its first lease for good).
        _refreshTimer = _timeProvider.CreateTimer(static s => _ = ((QuotaRateLimiter)s!).RefreshAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _refreshTimer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Where the current limit comes from.</summary>
    public QuotaMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }
    }

    /// <summary>The limit in force, in permits per second.</summary>
    public double CurrentLimit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>The current lease, or null before the first one.</summary>
    public QuotaLease? Lease
    {
        get
        {
            lock (_gate)
            {
                return _lease;
            }
        }
    }

    /// <summary>Store calls that failed in a row (0 after a success).</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
            {
                return _failures;
            }
        }
    }

    /// <summary>The error of the last failed store call, or null.</summary>
    public Exception? LastError { get; private set; }

    /// <inheritdoc />
    /// <remarks>Always null: the limiter holds a lease and must not be disposed as idle by a partitioned limiter.</remarks>
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = _bucket.Available,
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = _bucket.TotalSuccessful,
        TotalFailedLeases = _bucket.TotalFailed,
    };

    /// <inheritdoc />
    /// <remarks>
    /// As the framework's limiters: a count above what the bucket holds (the burst of the rate in force) can never
    /// succeed and throws <see cref="ArgumentOutOfRangeException"/>; a count of 0 reports whether a permit is there,
    /// counting nothing. While the rate in force is 0 every count is rejected.
    /// </remarks>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (Volatile.Read(ref _disposed))
        {
            return s_rejectedNoRate;
        }

        var capacity = _bucket.Capacity;
        if (capacity > 0 && permitCount > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"The quota of '{_resource}' holds at most {Math.Floor(capacity):0} permits at once (its rate times Burst); {permitCount} can never be acquired.");
        }

        if (permitCount == 0)
        {
            return _bucket.Available > 0 ? UntrackedLease.Instance : Volatile.Read(ref _rejected);
        }

        Interlocked.Add(ref _demand, permitCount);
        if (_bucket.TryTake(permitCount))
        {
            return UntrackedLease.Instance;
        }

        MaybeRefreshEarly();
        return Volatile.Read(ref _rejected);
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeCore();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        DisposeCore();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private void DisposeCore()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
        }

        _optionsSubscription?.Dispose();
        _refreshTimer.Dispose();
        _replenishTimer.Dispose();
        _ = ReleaseQuietlyAsync();
    }

    private async Task ReleaseQuietlyAsync()
    {
        try
        {
            await _store.ReleaseAsync(_resource, _clientId).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Disposal must not throw because the store is down; the lease expires on its own.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LastError = ex;
        }
    }

    private void MaybeRefreshEarly()
    {
        // "Active pull": the local bucket ran dry. Ask again, at most once per MinBackoff, never while backing off.
        var options = _options.Get(_resource);
        var now = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_disposed || _mode != QuotaMode.Leased || _failures > 0
                || _timeProvider.GetElapsedTime(Volatile.Read(ref _lastRefreshStart), now) < options.MinBackoff)
            {
                return;
            }
        }

        _ = RefreshAsync(exhausted: true);
    }

    private async Task RefreshAsync(bool exhausted = false)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        Attempt? attempt = null;
        try
        {
            QuotaOptions options;
            QuotaRequest request;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                options = _options.Get(_resource);
                if (_mode == QuotaMode.Leased && _lease is { } held && _timeProvider.GetUtcNow() >= held.Expiry)
                {
                    // The lease ran out before a refresh succeeded: the static limit applies from now, not from
                    // whenever the store answers.
                    _mode = QuotaMode.Degraded;
                    ApplyLimit(options.StaticLimit, options);
                }

                var now = _timeProvider.GetTimestamp();
                Volatile.Write(ref _lastRefreshStart, now);
                var elapsed = _timeProvider.GetElapsedTime(_demandSince, now).TotalSeconds;
                var demand = Interlocked.Exchange(ref _demand, 0);
                _demandSince = now;
                var wants = _lease is null || elapsed <= 0
                    ? options.InitialWants
                    : Math.Max(MinWants, demand / elapsed * options.DemandHeadroom);
                if (exhausted)
                {
                    // The bucket ran dry: the demand so far undercounts what is coming, so ask for at least double.
                    wants = Math.Max(wants, 2 * _limit);
                }

                request = new QuotaRequest(_resource, _clientId, wants, _lease?.Granted ?? 0);
            }

            // The store's token is cancelled after StoreTimeout, and the client does not wait for the store to honour
            // it: when the timer fires, the attempt fails right there (and the next refresh may start), whether or not
            // the store ever answers. Its late answer is ignored.
            attempt = new Attempt(this, options);
            QuotaLease lease;
            try
            {
                var call = _store.AcquireAsync(request, attempt.Timeout.Token);
                if (!call.IsCompleted)
                {
                    attempt.TimeOutOnTheClientSide();
                }

                lease = await call.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Any store failure (network, timeout, a bad answer) means "unreachable": back off and degrade.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (attempt.TryResolve())
                {
                    OnStoreFailure(attempt.Timeout.IsCancellationRequested ? attempt.TimedOut() : ex, options);
                }

                return;
            }

            if (!attempt.TryResolve())
            {
                return; // timed out already: that failure stands.
            }

            var untilExpiry = lease.Expiry - _timeProvider.GetUtcNow();
            if (untilExpiry <= TimeSpan.Zero)
            {
                // Expired on arrival: the store's clock and ours disagree. Refreshing at once would only bring another
                // such lease (a storm of store calls); count it as a failure instead: degrade and back off.
                OnStoreFailure(new RedBookException(new RedBookError(
                    ErrorCode.FailedPrecondition,
                    QuotaConstants.LeaseExpiredReason,
                    $"The quota store's lease for '{_resource}' expired at {lease.Expiry:O}, {-untilExpiry} before it arrived by this client's clock ({_timeProvider.GetUtcNow():O}); the clocks disagree.")), options);
                return;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _lease = lease;
                _failures = 0;
                _mode = QuotaMode.Leased;
                LastError = null;
                ApplyLimit(lease.Granted, options);

                // Well before expiry, but never sooner than MinBackoff: a lease about to expire must not make the
                // client call the store in a loop.
                var next = lease.RefreshInterval < untilExpiry ? lease.RefreshInterval : untilExpiry / 2;
                _refreshTimer.Change(TimerDuration.Clamp(next < options.MinBackoff ? options.MinBackoff : next), Timeout.InfiniteTimeSpan);
            }
        }
        finally
        {
            attempt?.Timeout.Dispose();
            if (attempt is null || attempt.Release())
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }
    }

    /// <summary>One store call: its timeout, and whoever settles it first (the answer or the timeout) owns the outcome.</summary>
    private sealed class Attempt(QuotaRateLimiter owner, QuotaOptions options)
    {
        private int _resolved;
        private int _released;

        public CancellationTokenSource Timeout { get; } = TimerDuration.CancelAfter(options.StoreTimeout, owner._timeProvider);

        public bool TryResolve() => Interlocked.Exchange(ref _resolved, 1) == 0;

        /// <summary>True for the first caller: it clears the owner's refreshing flag.</summary>
        public bool Release() => Interlocked.Exchange(ref _released, 1) == 0;

        public TimeoutException TimedOut() => new($"The quota store did not answer for '{owner._resource}' within {options.StoreTimeout}.");

        public void TimeOutOnTheClientSide() => Timeout.Token.UnsafeRegister(static s => ((Attempt)s!).OnTimeout(), this);

        private void OnTimeout()
        {
            if (TryResolve())
            {
                owner.OnStoreFailure(TimedOut(), options);
                if (Release())
                {
                    Volatile.Write(ref owner._refreshing, 0);
                }
            }
        }
    }

    private void OnStoreFailure(Exception error, QuotaOptions options)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            LastError = error;
            _failures++;
            var backoff = options.MinBackoff * Math.Pow(2, Math.Min(_failures - 1, 30));
            if (backoff > options.MaxBackoff)
            {
                backoff = options.MaxBackoff;
            }

            var now = _timeProvider.GetUtcNow();
            if (_lease is not { } lease || now >= lease.Expiry)
            {
                _mode = QuotaMode.Degraded;
                ApplyLimit(options.StaticLimit, options);
            }
            else if (lease.Expiry - now < backoff)
            {
                // Wake up when the lease runs out, to degrade on time (and try the store once more).
                backoff = lease.Expiry - now;
            }

            _refreshTimer.Change(TimerDuration.Clamp(backoff), Timeout.InfiniteTimeSpan);
        }
    }

    private void OnOptionsChanged(QuotaOptions options)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            ApplyLimit(_mode == QuotaMode.Leased ? _limit : options.StaticLimit, options);
        }
    }

    private static double Capacity(double rate, QuotaOptions options) => Math.Max(1.0, rate * options.Burst.TotalSeconds);

    /// <summary>Applies <paramref name="rate"/> permits per second to the bucket (under the gate).</summary>
    private void ApplyLimit(double rate, QuotaOptions options)
    {
        rate = double.IsFinite(rate) && rate > 0 ? rate : 0;
        _limit = rate;
        _bucket.Reshape(rate, rate > 0 ? Capacity(rate, options) : 0);
        Volatile.Write(ref _rejected, rate > 0
            ? new RejectedLease(QuotaConstants.ExhaustedReason, $"The quota of '{_resource}' ({rate:0.###}/s) is exhausted.", TimeSpan.FromSeconds(Math.Min(60, 1 / rate)))
            : s_rejectedNoRate);
    }
}
