using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>
/// A retry budget shared by every call to one dependency (Finagle <c>RetryBudget</c>, Envoy retry budgets): every
/// first attempt <see cref="Deposit"/>s, every retry must <see cref="TryWithdraw"/>. Within the rolling window of
/// <see cref="RetryBudgetOptions.Ttl"/>, a withdrawal succeeds only while
/// <c>retries + 1 ≤ max(RetryRatio × firstAttempts, MinRetriesPerSecond × Ttl)</c>, so retries can never amplify load
/// by more than the ratio, however many callers retry at once, once traffic is above the floor.
/// </summary>
/// <remarks>
/// The floor is a minimum, not a supplement (Envoy's minimum, where Finagle adds the two): a quiet dependency may
/// still retry <see cref="RetryBudgetOptions.MinRetriesPerSecond"/> calls a second, while above
/// <c>MinRetriesPerSecond / RetryRatio</c> first attempts a second (50 with the defaults) an outage is amplified by at
/// most <c>1 + RetryRatio</c>. Thread-safe and allocation-free; built on the shared <c>RollingWindow</c>.
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
            var (withdrawals, total) = state.Window.Totals(_timeProvider.GetTimestamp());
            return state.Allowance(total - withdrawals) - withdrawals;
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
            var (withdrawals, total) = state.Window.Totals(now);
            if (withdrawals + 1 > state.Allowance(total - withdrawals))
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
        private readonly double _reserve;

        public State(RetryBudgetOptions options, TimeProvider timeProvider)
            : this(options, new RollingWindow(options.Buckets, options.Ttl / options.Buckets, timeProvider))
        {
        }

        public State(RetryBudgetOptions options, RollingWindow window)
        {
            Options = options;
            Window = window;
            _ratio = options.RetryRatio;
            _reserve = options.MinRetriesPerSecond * options.Ttl.TotalSeconds;
        }

        public RetryBudgetOptions Options { get; }

        public RollingWindow Window { get; }

        public double Allowance(long deposits) => Math.Max(_ratio * deposits, _reserve);
    }
}
