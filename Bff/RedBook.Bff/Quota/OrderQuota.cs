using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Quota;

namespace RedBook.Bff.Quota;

/// <summary>
/// The per-user quota of the order endpoint: one <see cref="QuotaRateLimiter"/> per user (resource
/// <c>bff-orders:{userId}</c>) leasing from the distributed quota store (Redis when the BFF has
/// <c>ConnectionStrings:redis</c>, so every replica shares each user's capacity; in-process otherwise). Every user's
/// resource takes its options from <c>RedBook:Quota:bff-orders</c> (capacity per user, static limit, burst, ...). A
/// user's limiter is disposed (its lease released) after <see cref="IdleTime"/> without an order.
/// </summary>
public sealed class OrderQuota : IDisposable
{
    /// <summary>The quota resource whose options every user's limiter uses.</summary>
    public const string Resource = "bff-orders";

    /// <summary>How long a user's limiter lives without an order.</summary>
    public static readonly TimeSpan IdleTime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _limiters = new(StringComparer.Ordinal);
    private readonly IQuotaStore _store;
    private readonly IOptionsMonitor<QuotaOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _clientId;
    private readonly ITimer _sweeper;

    /// <summary>Creates the quota.</summary>
    /// <param name="store">The store (built over <see cref="ForResource"/>'s options, so its capacity is the resource's).</param>
    /// <param name="options">The quota options (<c>RedBook:Quota</c>).</param>
    /// <param name="timeProvider">The clock.</param>
    public OrderQuota(IQuotaStore store, IOptionsMonitor<QuotaOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        // One client per BFF instance (two replicas in one process are two clients).
        _clientId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
        _sweeper = timeProvider.CreateTimer(static s => ((OrderQuota)s!).Sweep(), this, IdleTime, IdleTime);
    }

    /// <summary>The number of users with a live limiter.</summary>
    public int Count => _limiters.Count;

    /// <summary>Options that map every user's resource (<c>bff-orders:{userId}</c>) to <see cref="Resource"/>'s.</summary>
    public static IOptionsMonitor<QuotaOptions> ForResource(IOptionsMonitor<QuotaOptions> options, string? user = null) => new ResourceOptions(options, user);

    /// <summary>Takes one order permit of <paramref name="userId"/>.</summary>
    /// <exception cref="RedBookException">RESOURCE_EXHAUSTED <see cref="QuotaConstants.ExhaustedReason"/>, with the pushback (429 and Retry-After over HTTP).</exception>
    public void Acquire(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var entry = _limiters.GetOrAdd(userId, static (user, self) => new Entry(new QuotaRateLimiter(
            Resource + ":" + user, self._clientId, self._store, ForResource(self._options, Resource + ":" + user), self._timeProvider)), this);
        Volatile.Write(ref entry.LastUsed, _timeProvider.GetTimestamp());
        using var lease = entry.Limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        throw new RedBookException(new RedBookError(
            ErrorCode.ResourceExhausted,
            QuotaConstants.ExhaustedReason,
            "Too many orders in a short time; try again later.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ErrorMetadataKeys.RetryAfterMs] = ((long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture),
            }));
    }

    /// <summary>Disposes every limiter (releasing the leases).</summary>
    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var (user, entry) in _limiters)
        {
            if (_limiters.TryRemove(new KeyValuePair<string, Entry>(user, entry)))
            {
                entry.Limiter.Dispose();
            }
        }
    }

    private void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (user, entry) in _limiters)
        {
            if (_timeProvider.GetElapsedTime(Volatile.Read(ref entry.LastUsed), now) >= IdleTime && _limiters.TryRemove(new KeyValuePair<string, Entry>(user, entry)))
            {
                entry.Limiter.Dispose();
            }
        }
    }

    private sealed class Entry(QuotaRateLimiter limiter)
    {
        public long LastUsed;

        public QuotaRateLimiter Limiter { get; } = limiter;
    }

    /// <summary>
    /// Reads <see cref="Resource"/>'s options for any <c>bff-orders:{user}</c> name, so one section configures every user
    /// and the options monitor holds one entry, not one per user; changes of it are passed on under <c>user</c>'s name.
    /// </summary>
    private sealed class ResourceOptions(IOptionsMonitor<QuotaOptions> inner, string? user) : IOptionsMonitor<QuotaOptions>
    {
        public QuotaOptions CurrentValue => inner.CurrentValue;

        public QuotaOptions Get(string? name) => inner.Get(name is not null && name.StartsWith(Resource + ":", StringComparison.Ordinal) ? Resource : name);

        public IDisposable? OnChange(Action<QuotaOptions, string?> listener) => inner.OnChange((value, name) =>
        {
            if (user is null)
            {
                listener(value, name);
            }
            else if (name == Resource)
            {
                listener(value, user);
            }
        });
    }
}
