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
/// <para>
/// Two additions to the book let the throttle notice a healed dependency and hand its traffic back fast. A
/// <b>probe</b>: while it drops, at most one call per <see cref="SreThrottleOptions.ProbeInterval"/> is let through
/// whatever the draw (go-zero's force pass), so a healed dependency is noticed within that interval even when the
/// book formula's own trickle (about ln(requests) per window) is smaller. A <b>recovery ramp</b>: from the second success in a row (in the order
/// outcomes are recorded), the drop probability is scaled by <c>1 − successes / RecoverySuccesses</c>, so a healed
/// dependency gets its traffic back within a few calls instead of the log_K(requests) windows the formula alone
/// would take while its window still holds the local rejections. Any failure ends the run and restores the
/// formula at once; one lucky success among failures changes nothing. A full run while the formula was still dropping
/// clears the window: the outage's history no longer describes the dependency, so one later failure does not bring
/// its drops back.
/// </para>
/// <para>
/// Usable on its own (the HTTP pipeline keeps one per endpoint): call <see cref="TryAcquire()"/> before the call and
/// <see cref="RecordSuccess()"/> or <see cref="RecordFailure()"/> after it. Thread-safe and allocation-free.
/// </para>
/// </remarks>
public sealed class SreThrottle
{
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private volatile State _state;

    // The timestamp of the last call let through, and the successes recorded since the last failure.
    private long _lastPass;
    private int _successRun;

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
        _lastPass = timeProvider.GetTimestamp();
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
            return state.DropRatio(requests, accepts, Volatile.Read(ref _successRun));
        }
    }

    /// <summary>The successes recorded since the last failure (the recovery ramp's input; it stops counting at <see cref="SreThrottleOptions.RecoverySuccesses"/>).</summary>
    public int SuccessRun => Volatile.Read(ref _successRun);

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
        dropRatio = state.DropRatio(requests, accepts, Volatile.Read(ref _successRun));
        var last = Volatile.Read(ref _lastPass);
        if (dropRatio <= 0)
        {
            NotePass(state, now, last);
            return true;
        }

        // The probe: the first call after a quiet interval goes through, and only one caller wins it.
        if (now - last >= state.ProbeTicks && Interlocked.CompareExchange(ref _lastPass, now, last) == last)
        {
            SreBreakerMetrics.Probes.Add(1, new KeyValuePair<string, object?>(SreBreakerMetrics.KeyTag, Key));
            return true;
        }

        if (_random() >= dropRatio)
        {
            NotePass(state, now, last);
            return true;
        }

        state.Window.Add(now, 0);
        return false;
    }

    // Keeps the last pass within half a probe interval of the truth, writing the shared field twice per interval at
    // most instead of on every call: the probe may come up to half an interval early after a pass, never more often.
    private void NotePass(State state, long now, long last)
    {
        if (now - last >= state.ProbeTicks >> 1)
        {
            Volatile.Write(ref _lastPass, now);
        }
    }

    /// <summary>Records a request the dependency accepted (any outcome that is not a dependency failure).</summary>
    public void RecordSuccess() => RecordSuccess(_timeProvider.GetTimestamp());

    /// <summary>Records a request the dependency failed.</summary>
    public void RecordFailure() => RecordFailure(_timeProvider.GetTimestamp());

    /// <summary>Records an accepted request in the bucket of <paramref name="timestamp"/> (e.g. the call's start).</summary>
    public void RecordSuccess(long timestamp)
    {
        var state = _state;
        state.Window.Add(timestamp, 1);
        if (Volatile.Read(ref _successRun) < state.RecoveryCap)
        {
            // Saturates near the cap: a healthy dependency pays one read.
            if (Interlocked.Increment(ref _successRun) == state.RecoverySuccesses)
            {
                ForgetOutage(state, timestamp);
            }
        }
    }

    // The run just completed: if the formula is still dropping, its window holds the outage; start a fresh one.
    private void ForgetOutage(State state, long now)
    {
        var (requests, accepts) = state.Counts(now);
        if (state.DropRatio(requests, accepts, successRun: 0) <= 0)
        {
            return;
        }

#pragma warning disable CS0420 // Interlocked access to the volatile field is atomic and ordered.
        Interlocked.CompareExchange(ref _state, new State(state.Options, _timeProvider), state);
#pragma warning restore CS0420
    }

    /// <summary>Records a failed request in the bucket of <paramref name="timestamp"/> (e.g. the call's start).</summary>
    public void RecordFailure(long timestamp)
    {
        _state.Window.Add(timestamp, 0);
        if (Volatile.Read(ref _successRun) != 0)
        {
            Volatile.Write(ref _successRun, 0);
        }
    }

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

    /// <summary>
    /// The recovery ramp's factor for a run of <paramref name="successRun"/> successes in a row: 1 below two
    /// successes, then <c>max(0, 1 − successRun / recoverySuccesses)</c>; always 1 when
    /// <paramref name="recoverySuccesses"/> is 0 (the ramp switched off).
    /// </summary>
    public static double RecoveryScale(int successRun, int recoverySuccesses)
        => recoverySuccesses <= 0 || successRun < 2 ? 1 : Math.Max(0, 1 - ((double)successRun / recoverySuccesses));

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
            RecoverySuccesses = options.RecoverySuccesses;
            ProbeTicks = Math.Max(1, (long)(options.ProbeInterval.TotalSeconds * window.TimeProvider.TimestampFrequency));
        }

        // The totals of the buckets before the current one, computed once per bucket: they only change when the
        // window rolls over, so a call reads just the current bucket.
        private volatile Previous? _previous;

        public SreThrottleOptions Options { get; }

        public RollingWindow Window { get; }

        public long ProbeTicks { get; }

        // The success run never needs to count past the ramp's end (one success when the ramp is off, so it still
        // reports that the last outcome was a success).
        public int RecoveryCap => Math.Max(1, RecoverySuccesses);

        public int RecoverySuccesses { get; }

        public double DropRatio(long requests, long accepts, int successRun)
            => requests < _minimum ? 0 : Formula(requests, accepts, _k) * RecoveryScale(successRun, RecoverySuccesses);

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
