using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Degrade;

/// <summary>
/// A stale-while-error cache around a dependency call, for the BFF layer (mio's degrade: "cache the last good answer,
/// serve it when the call fails, fall back to a default, and let dynamic config flip a switch"):
/// <list type="bullet">
/// <item>within <see cref="DegradeOptions.FreshTtl"/> a cached value is served without calling;</item>
/// <item>past it the dependency is called (one call per key at a time: concurrent misses share it); on success the value
/// is stored and served;</item>
/// <item>when the call fails, a cached value younger than <see cref="DegradeOptions.StaleTtl"/> is served, marked
/// degraded; with nothing stale, the fallback (default value) is served, marked degraded; with no fallback the error
/// propagates;</item>
/// <item><see cref="DegradeOptions.ForceDegrade"/> skips the call altogether; <see cref="DegradeOptions.Enabled"/> false
/// makes the wrapper a pass-through.</item>
/// </list>
/// </summary>
/// <typeparam name="TKey">The cache key (a user id, a page id).</typeparam>
/// <typeparam name="TValue">The cached value (a response DTO; immutable, since every caller gets the same instance).</typeparam>
/// <remarks>
/// A small internal store is used rather than <c>IMemoryCache</c>, whose expiry reads its own clock, not the injected
/// <see cref="TimeProvider"/>; a cache wrapper rather than a Polly strategy, because the fallback and the degraded marker
/// are typed per call site and the fresh hit must not enter a pipeline at all. The shared call of concurrent misses
/// runs with the first caller's cancellation token; the others stop waiting on their own tokens, and if the first
/// caller cancels, they are answered as if the call failed. Exceptions count as failures except the caller's own
/// cancellation.
/// </remarks>
public sealed class DegradeCache<TKey, TValue> : IDisposable
    where TKey : notnull
{
    private static readonly Counter<long> s_served = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.degrade.served", "{answer}", "Answers of degrade caches, by source (called, fresh, stale, fallback).");

    private static readonly string[] s_sourceNames = ["called", "fresh", "stale", "fallback"];

    private readonly string _name;
    private readonly TimeProvider _timeProvider;
    private readonly Func<TKey, TValue>? _fallback;
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<TKey, Task<TValue>> _inFlight = new();
    private readonly IDisposable? _optionsSubscription;
    private readonly Lock _evictionGate = new();
    private Settings _settings;

    /// <summary>Creates a cache with fixed options.</summary>
    /// <param name="name">The cache's name (a metric tag, and its options' name).</param>
    /// <param name="options">The options; validated.</param>
    /// <param name="fallback">The default value when nothing stale is cached (null: no fallback, the error propagates).</param>
    /// <param name="timeProvider">The clock of the TTLs; <see cref="TimeProvider.System"/> when null.</param>
    public DegradeCache(string name, DegradeOptions options, Func<TKey, TValue>? fallback = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _fallback = fallback;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _settings = Settings.From(options, _timeProvider);
    }

    /// <summary>
    /// Creates a cache whose options follow the named instance <paramref name="name"/> of <paramref name="options"/>:
    /// a configuration change (the switch, the TTLs) applies to the next call.
    /// </summary>
    public DegradeCache(string name, IOptionsMonitor<DegradeOptions> options, Func<TKey, TValue>? fallback = null, TimeProvider? timeProvider = null)
        : this(name, (options ?? throw new ArgumentNullException(nameof(options))).Get(name), fallback, timeProvider)
    {
        _optionsSubscription = options.OnChange((value, changedName) =>
        {
            if (string.Equals(changedName ?? Options.DefaultName, name, StringComparison.Ordinal))
            {
                ApplyOptions(value);
            }
        });
    }

    /// <summary>The cache's name.</summary>
    public string Name => _name;

    /// <summary>The number of cached entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Applies new options to the following calls (validated first).</summary>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public void ApplyOptions(DegradeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Volatile.Write(ref _settings, Settings.From(options, _timeProvider));
    }

    /// <summary>Answers <paramref name="key"/> from the cache or by calling <paramref name="call"/>, degrading on failure.</summary>
    /// <param name="key">The key.</param>
    /// <param name="call">The dependency call; a static lambda that takes its state from <paramref name="state"/> allocates nothing.</param>
    /// <param name="state">The state passed to <paramref name="call"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <exception cref="RedBookException">Force-degrade is on and there is neither a cached value nor a fallback (code Unavailable).</exception>
    public ValueTask<DegradeResult<TValue>> GetOrCallAsync<TState>(
        TKey key,
        Func<TKey, TState, CancellationToken, ValueTask<TValue>> call,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(call);
        var settings = Volatile.Read(ref _settings);
        if (!settings.Enabled)
        {
            return PassThroughAsync(key, call, state, cancellationToken);
        }

        var now = _timeProvider.GetTimestamp();
        var hasEntry = _entries.TryGetValue(key, out var entry);
        var age = hasEntry ? now - entry!.StoredAt : long.MaxValue;
        if (hasEntry && age < settings.FreshTicks)
        {
            return new ValueTask<DegradeResult<TValue>>(Served(new DegradeResult<TValue>(entry!.Value, DegradeSource.Fresh, null)));
        }

        if (settings.ForceDegrade)
        {
            return new ValueTask<DegradeResult<TValue>>(Degraded(key, hasEntry && age < settings.StaleTicks ? entry : null, error: null));
        }

        return CallAsync(key, call, state, cancellationToken);
    }

    /// <summary>Answers <paramref name="key"/> from the cache or by calling <paramref name="call"/>, degrading on failure.</summary>
    public ValueTask<DegradeResult<TValue>> GetOrCallAsync(TKey key, Func<TKey, CancellationToken, ValueTask<TValue>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return GetOrCallAsync(key, static (k, c, ct) => c(k, ct), call, cancellationToken);
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="key"/> as if a call had just returned it.</summary>
    public void Set(TKey key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Store(key, value);
    }

    /// <summary>Removes <paramref name="key"/>'s entry; returns false when there was none.</summary>
    public bool Invalidate(TKey key) => _entries.TryRemove(key, out _);

    /// <summary>Stops following the options monitor, if any.</summary>
    public void Dispose() => _optionsSubscription?.Dispose();

    private async ValueTask<DegradeResult<TValue>> PassThroughAsync<TState>(
        TKey key, Func<TKey, TState, CancellationToken, ValueTask<TValue>> call, TState state, CancellationToken cancellationToken)
        => Served(new DegradeResult<TValue>(await call(key, state, cancellationToken).ConfigureAwait(false), DegradeSource.Called, null));

    private async ValueTask<DegradeResult<TValue>> CallAsync<TState>(
        TKey key, Func<TKey, TState, CancellationToken, ValueTask<TValue>> call, TState state, CancellationToken cancellationToken)
    {
        TaskCompletionSource<TValue>? mine = null;
        if (!_inFlight.TryGetValue(key, out var shared))
        {
            mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            shared = _inFlight.GetOrAdd(key, mine.Task);
            if (!ReferenceEquals(shared, mine.Task))
            {
                mine = null;
            }
        }

        if (mine is not null)
        {
            try
            {
                var value = await call(key, state, cancellationToken).ConfigureAwait(false);
                Store(key, value);
                mine.SetResult(value);
            }
#pragma warning disable CA1031 // Every failure of the dependency is handed to the waiters, who degrade.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                mine.SetException(ex);
            }
            finally
            {
                _inFlight.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, mine.Task));
            }
        }

        try
        {
            var value = await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
            return Served(new DegradeResult<TValue>(value, DegradeSource.Called, null));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The call failed: degrade (stale, then fallback, else rethrow in Degraded).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var settings = Volatile.Read(ref _settings);
            var stale = _entries.TryGetValue(key, out var entry) && _timeProvider.GetTimestamp() - entry.StoredAt < settings.StaleTicks ? entry : null;
            return Degraded(key, stale, ex);
        }
    }

    private DegradeResult<TValue> Degraded(TKey key, Entry? stale, Exception? error)
    {
        if (stale is not null)
        {
            return Served(new DegradeResult<TValue>(stale.Value, DegradeSource.Stale, error));
        }

        if (_fallback is not null)
        {
            return Served(new DegradeResult<TValue>(_fallback(key), DegradeSource.Fallback, error));
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        throw new RedBookException(new RedBookError(
            ErrorCode.Unavailable,
            DegradeConstants.UnavailableReason,
            $"'{_name}' is force-degraded and has neither a cached value nor a fallback for this key."));
    }

    private DegradeResult<TValue> Served(DegradeResult<TValue> result)
    {
        if (s_served.Enabled)
        {
            s_served.Add(1, new KeyValuePair<string, object?>(DegradeConstants.NameTag, _name), new KeyValuePair<string, object?>(DegradeConstants.SourceTag, s_sourceNames[(int)result.Source]));
        }

        return result;
    }

    private void Store(TKey key, TValue value)
    {
        var now = _timeProvider.GetTimestamp();
        _entries[key] = new Entry(value, now);
        var settings = Volatile.Read(ref _settings);
        if (_entries.Count > settings.MaxEntries)
        {
            Evict(settings, now);
        }
    }

    private void Evict(Settings settings, long now)
    {
        lock (_evictionGate)
        {
            foreach (var (key, entry) in _entries)
            {
                if (now - entry.StoredAt >= settings.StaleTicks)
                {
                    _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
                }
            }

            var excess = _entries.Count - settings.MaxEntries;
            if (excess <= 0)
            {
                return;
            }

            var oldest = _entries.ToArray();
            Array.Sort(oldest, static (a, b) => a.Value.StoredAt.CompareTo(b.Value.StoredAt));
            for (var i = 0; i < excess && i < oldest.Length; i++)
            {
                _entries.TryRemove(oldest[i]);
            }
        }
    }

    private sealed record Entry(TValue Value, long StoredAt);

    private sealed class Settings
    {
        public required bool Enabled { get; init; }

        public required bool ForceDegrade { get; init; }

        public required long FreshTicks { get; init; }

        public required long StaleTicks { get; init; }

        public required int MaxEntries { get; init; }

        public static Settings From(DegradeOptions options, TimeProvider timeProvider)
        {
            Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
            var frequency = (double)timeProvider.TimestampFrequency;
            return new Settings
            {
                Enabled = options.Enabled,
                ForceDegrade = options.ForceDegrade,
                FreshTicks = (long)(options.FreshTtl.TotalSeconds * frequency),
                StaleTicks = (long)(options.StaleTtl.TotalSeconds * frequency),
                MaxEntries = options.MaxEntries,
            };
        }
    }
}
