using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Isolation;

/// <summary>
/// Per-dependency bulkheads and per-route partitions, composed from the framework's limiters:
/// <see cref="Dependencies"/> is a <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/> of one
/// <see cref="ConcurrencyLimiter"/> per dependency; <see cref="Routes"/> is
/// <see cref="PartitionedRateLimiter.CreateChained{TResource}"/> of a partitioned <see cref="TokenBucketRateLimiter"/>
/// (the rate) and a partitioned <see cref="ConcurrencyLimiter"/> (the concurrency), one partition per route pattern.
/// </summary>
/// <remarks>
/// When the options change, a new generation of limiters is built and swapped in atomically; requests already
/// queued in, and leases taken from, the old generation finish against it, and it is disposed
/// <see cref="IsolationConstants.RetiredGenerationLifetime"/> later on the <see cref="TimeProvider"/>.
/// The framework's token bucket reads <c>Stopwatch</c> internally and <see cref="PartitionedRateLimiter"/> replenishes
/// its partitions (which <see cref="RateLimitPartition.GetTokenBucketLimiter{TKey}"/> creates with
/// <c>AutoReplenishment = false</c>) from its own 100 ms timer; .NET 10 offers no <see cref="TimeProvider"/> hook
/// there, so rates replenish on the wall clock.
/// </remarks>
public sealed class IsolationLimiters : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _subscription;
    private readonly Lock _gate = new();
    private readonly List<(Generation Generation, ITimer Timer)> _retired = [];
    private readonly Swappable _dependencies;
    private readonly Swappable _routes;
    private Generation _current;
    private bool _disposed;

    /// <summary>Creates the limiters with fixed <paramref name="options"/>.</summary>
    /// <param name="options">The options; validated.</param>
    /// <param name="timeProvider">The clock for retiring old generations; <see cref="TimeProvider.System"/> when null.</param>
    public IsolationLimiters(IsolationOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _current = new Generation(Validated(options));
        _dependencies = new Swappable(this, static g => g.Dependencies);
        _routes = new Swappable(this, static g => g.Routes);
    }

    /// <summary>Creates the limiters following <paramref name="options"/> live.</summary>
    /// <param name="options">The options monitor.</param>
    /// <param name="timeProvider">The clock.</param>
    public IsolationLimiters(IOptionsMonitor<IsolationOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).CurrentValue, timeProvider)
    {
        _subscription = options.OnChange((o, name) =>
        {
            if (name == Options.DefaultName)
            {
                Update(o);
            }
        });
    }

    /// <summary>The bulkheads, keyed by dependency name. A dependency without an entry uses the default bulkhead, or none.</summary>
    public PartitionedRateLimiter<string> Dependencies => _dependencies;

    /// <summary>The route partitions, keyed by route pattern. A route without an entry is unlimited.</summary>
    public PartitionedRateLimiter<string> Routes => _routes;

    /// <summary>The options in force.</summary>
    public IsolationOptions CurrentOptions => Volatile.Read(ref _current).Options.Clone();

    /// <summary>Builds a new generation of limiters from <paramref name="options"/> and swaps it in.</summary>
    /// <exception cref="ValidationException">The options are invalid; the old limiters stay in force.</exception>
    public void Update(IsolationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var next = new Generation(Validated(options));
        lock (_gate)
        {
            if (_disposed)
            {
                next.Dispose();
                return;
            }

            var old = _current;
            Volatile.Write(ref _current, next);
            ITimer? timer = null;
            timer = _timeProvider.CreateTimer(
                _ => Retire(old, timer!),
                null,
                IsolationConstants.RetiredGenerationLifetime,
                Timeout.InfiniteTimeSpan);
            _retired.Add((old, timer));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _subscription?.Dispose();
            foreach (var (generation, timer) in _retired)
            {
                timer.Dispose();
                generation.Dispose();
            }

            _retired.Clear();
            _current.Dispose();
        }
    }

    private void Retire(Generation generation, ITimer timer)
    {
        lock (_gate)
        {
            if (_retired.Remove((generation, timer)))
            {
                timer.Dispose();
                generation.Dispose();
            }
        }
    }

    private static IsolationOptions Validated(IsolationOptions options)
    {
        var copy = options.Clone();
        Validator.ValidateObject(copy, new ValidationContext(copy), validateAllProperties: true);
        return copy;
    }

    /// <summary>One immutable set of framework limiters built from one options snapshot.</summary>
    private sealed class Generation : IDisposable
    {
        private readonly PartitionedRateLimiter<string> _routeRates;
        private readonly PartitionedRateLimiter<string> _routeConcurrency;

        public Generation(IsolationOptions options)
        {
            Options = options;

            // The partitions of configured names are built once, so the partitioner allocates nothing per call
            // (RateLimitPartition is a struct holding the key and the limiter factory).
            var unlimited = RateLimitPartition.GetNoLimiter(IsolationConstants.UnlimitedKey);
            var bulkheads = options.Dependencies.ToDictionary(
                static e => e.Key,
                static e => RateLimitPartition.GetConcurrencyLimiter(e.Key, Concurrency(e.Value.MaxConcurrency, e.Value.QueueLimit)),
                StringComparer.OrdinalIgnoreCase);
            var fallback = options.DefaultDependency is { } d ? Concurrency(d.MaxConcurrency, d.QueueLimit) : null;
            Dependencies = PartitionedRateLimiter.Create<string, string>(
                dependency => bulkheads.TryGetValue(dependency, out var partition)
                    ? partition
                    : fallback is null ? unlimited : RateLimitPartition.GetConcurrencyLimiter(dependency, fallback),
                StringComparer.OrdinalIgnoreCase);

            var rates = options.Routes
                .Where(static e => e.Value.PermitsPerSecond is not null)
                .ToDictionary(
                    static e => e.Key,
                    static e => RateLimitPartition.GetTokenBucketLimiter(e.Key, TokenBucket(e.Value.PermitsPerSecond!.Value, e.Value.Burst)),
                    StringComparer.OrdinalIgnoreCase);
            var slots = options.Routes
                .Where(static e => e.Value.MaxConcurrency is not null)
                .ToDictionary(
                    static e => e.Key,
                    static e => RateLimitPartition.GetConcurrencyLimiter(e.Key, Concurrency(e.Value.MaxConcurrency!.Value, e.Value.QueueLimit)),
                    StringComparer.OrdinalIgnoreCase);
            _routeRates = PartitionedRateLimiter.Create<string, string>(
                route => rates.TryGetValue(route, out var partition) ? partition : unlimited, StringComparer.OrdinalIgnoreCase);
            _routeConcurrency = PartitionedRateLimiter.Create<string, string>(
                route => slots.TryGetValue(route, out var partition) ? partition : unlimited, StringComparer.OrdinalIgnoreCase);
            Routes = PartitionedRateLimiter.CreateChained(_routeRates, _routeConcurrency);
        }

        public IsolationOptions Options { get; }

        public PartitionedRateLimiter<string> Dependencies { get; }

        public PartitionedRateLimiter<string> Routes { get; }

        public void Dispose()
        {
            Routes.Dispose();
            _routeRates.Dispose();
            _routeConcurrency.Dispose();
            Dependencies.Dispose();
        }

        private static Func<string, ConcurrencyLimiterOptions> Concurrency(int permits, int queue)
        {
            var options = new ConcurrencyLimiterOptions
            {
                PermitLimit = permits,
                QueueLimit = queue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            };
            return _ => options;
        }

        private static Func<string, TokenBucketRateLimiterOptions> TokenBucket(double rate, int? burst)
        {
            var options = TokenBucketOptions(rate, burst);
            return _ => options;
        }

        private static TokenBucketRateLimiterOptions TokenBucketOptions(double rate, int? burst) => new()
        {
            // One token per 1/rate: the framework's bucket fills continuously at TokensPerPeriod / ReplenishmentPeriod.
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / rate))),
            TokenLimit = burst ?? Math.Max(1, (int)Math.Ceiling(rate)),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    /// <summary>A partitioned limiter that always forwards to the current generation's.</summary>
    private sealed class Swappable(IsolationLimiters owner, Func<Generation, PartitionedRateLimiter<string>> select)
        : PartitionedRateLimiter<string>
    {
        private PartitionedRateLimiter<string> Current => select(Volatile.Read(ref owner._current));

        public override RateLimiterStatistics? GetStatistics(string resource) => Current.GetStatistics(resource);

        protected override RateLimitLease AttemptAcquireCore(string resource, int permitCount)
            => Current.AttemptAcquire(resource, permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(string resource, int permitCount, CancellationToken cancellationToken)
            => Current.AcquireAsync(resource, permitCount, cancellationToken);
    }
}
