using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>
/// A retry budget shared by every call to one dependency (Finagle <c>RetryBudget</c>, Envoy retry budgets): every
/// first attempt <see cref="Deposit"/>s, every retry must <see cref="TryWithdraw"/>. Within the rolling window of
/// <see cref="RetryBudgetOptions.Ttl"/>, a withdrawal succeeds only while
/// <c>retries + 1 ≤ max(RetryRatio × firstAttempts, MinRetriesPerSecond × history)</c>, where history is the part of
/// the window that holds traffic (whole buckets, at least one, at most <see cref="RetryBudgetOptions.Ttl"/>). Retries
/// can never amplify load by more than the ratio, however many callers retry at once, once traffic is above the floor.
/// </summary>
/// <remarks>
/// The floor is a minimum rate, not a supplement and not a reserve. Finagle adds a reserve of
/// <c>MinRetriesPerSecond × Ttl</c> to the ratio, so at 100 calls a second an outage gets 1.3× and a client that has
/// just started can fire the whole reserve at once. Here a quiet dependency may still retry
/// <see cref="RetryBudgetOptions.MinRetriesPerSecond"/> calls a second, a fresh one gets the floor only for the history
/// it has (one retry at least), and above <c>MinRetriesPerSecond / RetryRatio</c> first attempts a second (50 with the
/// defaults) an outage is amplified by at most <c>1 + RetryRatio</c>. Thread-safe and allocation-free; built on the
/// shared <c>RollingWindow</c>.
/// </remarks>
public sealed class RetryBudget
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _withdrawGate = new();
    private volatile State _state;

    /// <summary>Creates a budget named <paramref name="dependency"/>.</summary>
    public RetryBudget(string dependency, RetryBudgetOptions options, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Dependency = dependency;
        _timeProvider = timeProvider;
        _state = new State(options.Clone(), timeProvider);
        RetryMetrics.Track(this);
    }

    /// <summary>The dependency whose calls share this budget.</summary>
    public string Dependency { get; }

    /// <summary>The current options (a copy).</summary>
    public RetryBudgetOptions Options => _state.Options.Clone();

    /// <summary>
    /// The number of retries the budget would allow right now (may be fractional; negative after the ratio was
    /// lowered).
    /// </summary>
    public double Balance
    {
        get
        {
            var state = _state;
            var (withdrawals, total, span) = state.Window.TotalsAndSpan(_timeProvider.GetTimestamp());
            return state.Allowance(total - withdrawals, span) - withdrawals;
        }
    }

    /// <summary>Records a first attempt (call it once per logical call, never for a retry).</summary>
    public void Deposit() => _state.Window.Add(_timeProvider.GetTimestamp(), 0);

    /// <summary>Takes one retry from the budget; false (and nothing taken) when the budget is exhausted.</summary>
    public bool TryWithdraw()
    {
        var state = _state;

        // Withdrawals are serialised so two retries cannot both take the last unit; deposits stay lock-free, and a
        // deposit racing a withdrawal only adds room.
        lock (_withdrawGate)
        {
            var now = _timeProvider.GetTimestamp();
            var (withdrawals, total, span) = state.Window.TotalsAndSpan(now);
            if (withdrawals + 1 > state.Allowance(total - withdrawals, span))
            {
                return false;
            }

            state.Window.Add(now, 1);
            return true;
        }
    }

    /// <summary>
    /// Applies new options. A new ratio or floor applies at once with the history kept; a new TTL or bucket count
    /// starts a fresh window.
    /// </summary>
    public void Configure(RetryBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = _state;
        if (current.Options.Ttl == options.Ttl && current.Options.Buckets == options.Buckets)
        {
            _state = new State(options.Clone(), current.Window);
        }
        else
        {
            _state = new State(options.Clone(), _timeProvider);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"RetryBudget({Dependency}, balance {Balance:0.##})";

    // The window's sum counts withdrawals (each adds 1) and its count counts deposits + withdrawals (a deposit adds 0),
    // so one window and one lock keep both.
    private sealed class State
    {
        private readonly double _ratio;
        private readonly double _floorPerBucket;

        public State(RetryBudgetOptions options, TimeProvider timeProvider)
            : this(options, new RollingWindow(options.Buckets, options.Ttl / options.Buckets, timeProvider))
        {
        }

        public State(RetryBudgetOptions options, RollingWindow window)
        {
            Options = options;
            Window = window;
            _ratio = options.RetryRatio;
            _floorPerBucket = options.MinRetriesPerSecond * (options.Ttl / options.Buckets).TotalSeconds;
        }

        public RetryBudgetOptions Options { get; }

        public RollingWindow Window { get; }

        // A positive floor always allows one retry, however short the history (a fresh client's first failure).
        public double Allowance(long deposits, int span)
            => Math.Max(_ratio * deposits, _floorPerBucket > 0 ? Math.Max(1, _floorPerBucket * span) : 0);
    }
}
