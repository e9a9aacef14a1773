using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>
/// Google SRE client-side adaptive throttling ("Handling Overload") for one dependency or endpoint. Over a rolling
/// window it counts requests and accepts and rejects a new request locally with probability
/// <c>p = max(0, (requests − K × accepts) / (requests + 1))</c>, once the window holds at least
/// <see cref="SreThrottleOptions.MinimumRequests"/> requests. A local rejection counts as a request without an
/// accept, so the harder the client pushes against a failing backend, the more it drops.
/// </summary>
/// <remarks>
/// Usable on its own (the HTTP pipeline keeps one per endpoint): call <see cref="TryAcquire()"/> before the call and
/// <see cref="RecordSuccess()"/> or <see cref="RecordFailure()"/> after it. Thread-safe and allocation-free.
/// </remarks>
public sealed class SreThrottle
{
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private volatile State _state;

    /// <summary>Creates a throttle for <paramref name="key"/>.</summary>
    /// <param name="key">The dependency or endpoint.</param>
    /// <param name="options">The knobs.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="random">Uniform numbers in [0, 1) for the drop draw; <see cref="Random.Shared"/> when null (seed it in tests).</param>
    public SreThrottle(string key, SreThrottleOptions options, TimeProvider timeProvider, Func<double>? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Key = key;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;
        _state = new State(options.Clone(), timeProvider);
        SreBreakerMetrics.Track(this);
    }

    /// <summary>The dependency or endpoint this throttle protects.</summary>
    public string Key { get; }

    /// <summary>The current options (a copy).</summary>
    public SreThrottleOptions Options => _state.Options.Clone();

    internal SreThrottleOptions CurrentOptions => _state.Options;

    /// <summary>The probability that a request made now is rejected.</summary>
    public double DropRatio
    {
        get
        {
            var state = _state;
            var (requests, accepts) = state.Counts(_timeProvider.GetTimestamp());
            return state.DropRatio(requests, accepts);
        }
    }

    /// <summary>The requests (local rejections included) and accepts in the window.</summary>
    public (long Requests, long Accepts) Counts => _state.Counts(_timeProvider.GetTimestamp());

    /// <summary>
    /// Decides whether a request may go out. False means it was rejected locally (and counted as a request without
    /// an accept); true means the caller must report the outcome with <see cref="RecordSuccess()"/> or
    /// <see cref="RecordFailure()"/>.
    /// </summary>
    public bool TryAcquire() => TryAcquire(out _);

    /// <summary>As <see cref="TryAcquire()"/>, also giving the drop probability the decision used.</summary>
    public bool TryAcquire(out double dropRatio) => TryAcquire(_timeProvider.GetTimestamp(), out dropRatio);

    /// <summary>
    /// As <see cref="TryAcquire(out double)"/> at <paramref name="now"/>, a <see cref="TimeProvider.GetTimestamp"/>
    /// value the caller already read (the strategy reuses it to record the outcome, saving a clock read per call).
    /// </summary>
    public bool TryAcquire(long now, out double dropRatio)
    {
        var state = _state;
        var (requests, accepts) = state.Counts(now);
        dropRatio = state.DropRatio(requests, accepts);
        if (dropRatio <= 0 || _random() >= dropRatio)
        {
            return true;
        }

        state.Window.Add(now, 0);
        return false;
    }

    /// <summary>Records a request the dependency accepted (any outcome that is not a dependency failure).</summary>
    public void RecordSuccess() => _state.Window.Add(_timeProvider.GetTimestamp(), 1);

    /// <summary>Records a request the dependency failed.</summary>
    public void RecordFailure() => _state.Window.Add(_timeProvider.GetTimestamp(), 0);

    /// <summary>Records an accepted request in the bucket of <paramref name="timestamp"/> (e.g. the call's start).</summary>
    public void RecordSuccess(long timestamp) => _state.Window.Add(timestamp, 1);

    /// <summary>Records a failed request in the bucket of <paramref name="timestamp"/> (e.g. the call's start).</summary>
    public void RecordFailure(long timestamp) => _state.Window.Add(timestamp, 0);

    /// <summary>Applies new options; a new K or minimum applies at once, a new window or bucket count starts fresh.</summary>
    public void Configure(SreThrottleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = _state;
        _state = current.Options.Window == options.Window && current.Options.Buckets == options.Buckets
            ? new State(options.Clone(), current.Window)
            : new State(options.Clone(), _timeProvider);
    }

    /// <summary>The drop probability for <paramref name="requests"/> and <paramref name="accepts"/> under <paramref name="k"/>, without the minimum-request gate.</summary>
    public static double Formula(long requests, long accepts, double k)
        => Math.Max(0, (requests - (k * accepts)) / (requests + 1));

    /// <inheritdoc />
    public override string ToString() => $"SreThrottle({Key}, p={DropRatio:0.###})";

    // The window's sum counts accepts (an accept adds 1, a failure or a local rejection adds 0); its count counts requests.
    private sealed class State
    {
        private readonly double _k;
        private readonly long _minimum;

        public State(SreThrottleOptions options, TimeProvider timeProvider)
            : this(options, new RollingWindow(options.Buckets, options.Window / options.Buckets, timeProvider))
        {
        }

        public State(SreThrottleOptions options, RollingWindow window)
        {
            Options = options;
            Window = window;
            _k = options.K;
            _minimum = options.MinimumRequests;
        }

        // The totals of the buckets before the current one, computed once per bucket: they only change when the
        // window rolls over, so a call reads just the current bucket.
        private volatile Previous? _previous;

        public SreThrottleOptions Options { get; }

        public RollingWindow Window { get; }

        public double DropRatio(long requests, long accepts) => requests < _minimum ? 0 : Formula(requests, accepts, _k);

        public (long Requests, long Accepts) Counts(long now)
        {
            var epoch = Window.EpochOf(now);
            var previous = _previous;
            if (previous is null || previous.Epoch != epoch)
            {
                var (sum, count) = Window.Totals(now, includeCurrent: false);
                previous = new Previous(epoch, sum, count);
                _previous = previous;
            }

            var (currentAccepts, currentRequests) = Window.Bucket(now);
            return (previous.Requests + currentRequests, previous.Accepts + currentAccepts);
        }

        private sealed record Previous(long Epoch, long Accepts, long Requests);
    }
}
