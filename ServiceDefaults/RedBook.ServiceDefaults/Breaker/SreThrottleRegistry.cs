using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace RedBook.ServiceDefaults.Breaker;

/// <summary>Hands out the one <see cref="SreThrottle"/> of each key (dependency or endpoint).</summary>
public interface ISreThrottleProvider
{
    /// <summary>
    /// The throttle of <paramref name="key"/>, created on first use with <paramref name="options"/>; an existing one
    /// is reconfigured when <paramref name="options"/> differ from its current ones.
    /// </summary>
    SreThrottle GetThrottle(string key, SreThrottleOptions options);
}

/// <summary>The default <see cref="ISreThrottleProvider"/>: one throttle per key (ordinal), kept for the registry's lifetime.</summary>
public sealed class SreThrottleRegistry : ISreThrottleProvider
{
    private readonly ConcurrentDictionary<string, SreThrottle> _throttles = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly Func<double>? _random;

    /// <summary>Creates a registry whose throttles read <paramref name="timeProvider"/> and draw from <paramref name="random"/>.</summary>
    public SreThrottleRegistry(TimeProvider timeProvider, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _random = random;
    }

    /// <summary>The keys that have a throttle.</summary>
    public ICollection<string> Keys => _throttles.Keys;

    /// <inheritdoc />
    public SreThrottle GetThrottle(string key, SreThrottleOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(options);
        if (_throttles.TryGetValue(key, out var existing))
        {
            if (!existing.CurrentOptions.SameAs(options))
            {
                existing.Configure(options);
            }

            return existing;
        }

        return _throttles.GetOrAdd(key, static (k, s) => new SreThrottle(k, s.options, s.self._timeProvider, s.self._random), (options, self: this));
    }

    /// <summary>The throttle of <paramref name="key"/>, if one was created.</summary>
    public bool TryGetThrottle(string key, [NotNullWhen(true)] out SreThrottle? throttle) => _throttles.TryGetValue(key, out throttle);
}
