using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Quota;

/// <summary>
/// The quota server side, in process (one store shared by the clients of one process, or a test's many simulated
/// clients). It keeps one lease per (resource, client), reclaims leases that expire, and on every request recomputes
/// the grants of all live clients with the resource's <see cref="QuotaOptions.Algorithm"/> over their reported wants,
/// then gives the caller the smaller of its computed grant and what is not already leased to others (as Doorman
/// does): capacity is never over-committed, and a new client's share fills up as the others refresh.
/// </summary>
public sealed class InProcessQuotaStore : IQuotaStore
{
    private readonly IOptionsMonitor<QuotaOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Entry>> _resources = new(StringComparer.Ordinal);

    /// <summary>Creates the store.</summary>
    /// <param name="options">Per-resource options (named by resource).</param>
    /// <param name="timeProvider">The clock of lease expiry; <see cref="TimeProvider.System"/> when null.</param>
    public InProcessQuotaStore(IOptionsMonitor<QuotaOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        QuotaStoreRules.Validate(request);
        var options = QuotaStoreRules.GetOptions(_options, request.Resource);
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (!_resources.TryGetValue(request.Resource, out var leases))
            {
                leases = new Dictionary<string, Entry>(StringComparer.Ordinal);
                _resources[request.Resource] = leases;
            }

            Reclaim(leases, now);
            if (!leases.TryGetValue(request.ClientId, out var mine))
            {
                mine = new Entry();
                leases[request.ClientId] = mine;
            }

            mine.Wants = request.Wants;

            var count = leases.Count;
            var wants = new double[count];
            var grants = new double[count];
            var index = 0;
            var myIndex = 0;
            double othersHave = 0;
            foreach (var (clientId, entry) in leases)
            {
                if (ReferenceEquals(entry, mine))
                {
                    myIndex = index;
                }
                else
                {
                    othersHave += entry.Has;
                }

                wants[index++] = entry.Wants;
            }

            QuotaAlgorithms.Allocate(options.Algorithm, options.Capacity, wants, grants);
            var granted = Math.Max(0.0, Math.Min(grants[myIndex], options.Capacity - othersHave));
            mine.Has = granted;
            mine.Expiry = now + options.LeaseLength;
            return ValueTask.FromResult(new QuotaLease(request.Resource, request.ClientId, granted, mine.Expiry, QuotaStoreRules.RefreshInterval(options)));
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        lock (_gate)
        {
            if (_resources.TryGetValue(resource, out var leases))
            {
                leases.Remove(clientId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The live leases of <paramref name="resource"/> (expired ones are reclaimed first).</summary>
    public IReadOnlyList<QuotaLease> GetLeases(string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        lock (_gate)
        {
            if (!_resources.TryGetValue(resource, out var leases))
            {
                return [];
            }

            var now = _timeProvider.GetUtcNow();
            Reclaim(leases, now);
            var refresh = QuotaStoreRules.RefreshInterval(_options.Get(resource));
            var result = new List<QuotaLease>(leases.Count);
            foreach (var (clientId, entry) in leases)
            {
                result.Add(new QuotaLease(resource, clientId, entry.Has, entry.Expiry, refresh));
            }

            return result;
        }
    }

    private static void Reclaim(Dictionary<string, Entry> leases, DateTimeOffset now)
    {
        foreach (var (clientId, entry) in leases)
        {
            if (entry.Expiry <= now && entry.Expiry != default)
            {
                leases.Remove(clientId);
            }
        }
    }

    private sealed class Entry
    {
        public double Wants { get; set; }

        public double Has { get; set; }

        public DateTimeOffset Expiry { get; set; }
    }
}
