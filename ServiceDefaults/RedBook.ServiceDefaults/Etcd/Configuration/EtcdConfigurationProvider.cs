using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>
/// Checks the configuration as the application binds it. Returns the failures, keyed by what failed (an options
/// type and name), with a message; empty when everything binds and validates.
/// </summary>
internal interface IEtcdConfigurationValidator
{
    IReadOnlyDictionary<string, string> Validate();
}

/// <summary>
/// Reads <c>/redbook/config/_global/</c> and <c>/redbook/config/{app}/</c> from etcd into configuration keys (the
/// app's keys win), then watches them and fires the reload token on every accepted change. While etcd is
/// unreachable the last good values stay; the watch reconnects with backoff and resumes without missing a change.
/// A value that is not UTF-8, a key that does not map, or a change that makes an options type fail to bind or
/// validate (once the host attached its validator) is rejected and logged, and the previous value stays.
/// </summary>
internal sealed partial class EtcdConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly EtcdConfigurationOptions _options;
    private readonly EtcdClient _client;
    private readonly DeferredLogger _logger = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly string _appPrefix;
    private readonly string _globalPrefix;
    // While a change is validated, the validating thread (and only it) reads the candidate through this view,
    // so other readers never see a value that is about to be rejected.
    [ThreadStatic]
    private static (EtcdConfigurationProvider Owner, ProbeView View)? s_probe;

    private Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private IEtcdConfigurationValidator? _validator;
    private IReadOnlyDictionary<string, string> _baselineFailures = new Dictionary<string, string>();
    private Task? _loop;
    private long _revision;
    private bool _loaded;
    private int _disposed;

    public EtcdConfigurationProvider(EtcdConfigurationOptions options, EtcdClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!EtcdConfigurationKeys.IsValidAppName(options.AppName))
        {
            throw new RedBookException(new RedBookError(
                ErrorCode.InvalidArgument,
                EtcdReasons.InvalidArgument,
                $"'{options.AppName}' is not a valid etcd configuration app name (non-empty, no '/' or ':', not '{EtcdConfigurationKeys.GlobalApp}')."));
        }

        if (options.Endpoints.Count == 0)
        {
            throw new RedBookException(new RedBookError(ErrorCode.InvalidArgument, EtcdReasons.InvalidArgument, "The etcd configuration source needs at least one endpoint."));
        }

        _options = options;
        _appPrefix = EtcdConfigurationKeys.PrefixOf(options.AppName!);
        _globalPrefix = EtcdConfigurationKeys.PrefixOf(EtcdConfigurationKeys.GlobalApp);
        _client = client ?? new EtcdClient(() => options, options.TimeProvider, _logger, options.CreateHttpHandler?.Invoke());
    }

    /// <summary>The store revision the provider has applied (0 before the first successful read).</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Whether etcd has been read at least once.</summary>
    public bool IsLoaded => Volatile.Read(ref _loaded);

    /// <summary>The background watch, for tests.</summary>
    internal Task? Loop => _loop;

    /// <summary>Routes the provider's logs (and what it logged before) to <paramref name="logger"/>.</summary>
    public void AttachLogger(ILogger logger) => _logger.Attach(logger);

    /// <summary>
    /// From now on, checks every change with <paramref name="validator"/> and rolls back a change that makes
    /// something fail that did not fail before. Values already loaded are checked at once: keys whose removal
    /// fixes a failure are dropped and logged.
    /// </summary>
    public void AttachValidator(IEtcdConfigurationValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        lock (_gate)
        {
            var withEtcd = validator.Validate();
            var withoutEtcd = withEtcd;
            if (withEtcd.Count > 0 && _entries.Count > 0)
            {
                var all = _entries;
                withoutEtcd = Probe(new Dictionary<string, Entry>(StringComparer.Ordinal), validator);
                var current = withEtcd;
                var kept = all;
                foreach (var key in all.Keys.Order(StringComparer.Ordinal).ToArray())
                {
                    if (IsSubset(current, withoutEtcd))
                    {
                        break;
                    }

                    var candidate = new Dictionary<string, Entry>(kept, StringComparer.Ordinal);
                    candidate.Remove(key);
                    var failures = Probe(candidate, validator);
                    if (failures.Count < current.Count)
                    {
                        Log.RejectedByValidation(_logger, key, Describe(NewFailures(current, failures)));
                        current = failures;
                        kept = candidate;
                    }
                }

                withEtcd = current;
                if (Publish(kept))
                {
                    OnReloadSafely();
                }
            }

            _validator = validator;
            _baselineFailures = withEtcd;
        }
    }

    /// <inheritdoc />
    public override void Load()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        // Called while the configuration is built (and on IConfigurationRoot.Reload()): one bounded read, then the
        // background loop takes over (retrying until etcd answers, then watching).
        var loaded = Task.Run(() => TryLoadAsync(_options.InitialLoadTimeout, reload: false)).GetAwaiter().GetResult();
        lock (_gate)
        {
            _loop ??= Task.Run(() => RunAsync(loaded, _stopping.Token));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with OperationCanceledException; nothing else escapes it.
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} ({_appPrefix})";

    private async Task RunAsync(bool loaded, CancellationToken cancellationToken)
    {
        var backoff = _client.CreateBackoff();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (!loaded)
                {
                    await TimerDuration.Delay(backoff.Next(), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    loaded = await TryLoadAsync(_options.RequestTimeout, reload: true).ConfigureAwait(false);
                }

                backoff.Reset();
                await foreach (var update in _client.WatchAsync(EtcdConfigurationKeys.Root, prefix: true, Revision + 1, cancellationToken).ConfigureAwait(false))
                {
                    Apply(update);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Never let the loop die: log, back off, and start over from a fresh read.
                Log.LoopFailed(_logger, _appPrefix, ex);
                loaded = false;
            }
        }
    }

    private async Task<bool> TryLoadAsync(TimeSpan timeout, bool reload)
    {
        using var timeoutSource = TimerDuration.CancelAfter(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, _stopping.Token);
        try
        {
            var result = await _client.RangePrefixesAsync([_globalPrefix, _appPrefix], linked.Token).ConfigureAwait(false);
            ApplySnapshot(result.Kvs, result.Revision, reload);
            Volatile.Write(ref _loaded, true);
            Log.Loaded(_logger, _appPrefix, result.Kvs.Count, result.Revision);
            return true;
        }
        catch (RedBookException ex)
        {
            Log.LoadFailed(_logger, _appPrefix, ex.Error.Message);
            return false;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            Log.LoadFailed(_logger, _appPrefix, $"no answer within {timeout}");
            return false;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Apply(EtcdWatchUpdate update)
    {
        if (update.Snapshot is { } snapshot)
        {
            ApplySnapshot(snapshot, update.Revision, reload: true);
            return;
        }

        foreach (var change in update.Events)
        {
            if (change.Kv.Key is not { } key)
            {
                RejectIfOurs(change.Kv);
                continue;
            }

            if (!IsOurs(key))
            {
                continue;
            }

            lock (_gate)
            {
                var candidate = new Dictionary<string, Entry>(_entries, StringComparer.Ordinal);
                if (change.Type == EtcdEventType.Delete)
                {
                    candidate.Remove(key);
                }
                else if (TryCreateEntry(change.Kv, out var entry))
                {
                    candidate[key] = entry;
                }
                else
                {
                    continue;
                }

                Commit(candidate, key);
            }
        }

        Interlocked.Exchange(ref _revision, Math.Max(Revision, update.Revision));
    }

    private void ApplySnapshot(IReadOnlyList<EtcdKeyValue> kvs, long revision, bool reload)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var kv in kvs)
            {
                if (kv.Key is not { } key)
                {
                    RejectIfOurs(kv);
                    continue;
                }

                if (!IsOurs(key))
                {
                    continue;
                }

                if (TryCreateEntry(kv, out var entry))
                {
                    next[key] = entry;
                }
                else if (_entries.TryGetValue(key, out var previous))
                {
                    next[key] = previous; // A malformed update keeps the last good value.
                }
            }

            if (!reload || _validator is null)
            {
                Publish(next);
                if (reload)
                {
                    OnReloadSafely();
                }
            }
            else
            {
                // Apply key by key so that one bad value is rejected without holding back the good ones.
                foreach (var key in _entries.Keys.Union(next.Keys).Order(StringComparer.Ordinal).ToArray())
                {
                    next.TryGetValue(key, out var wanted);
                    _entries.TryGetValue(key, out var current);
                    if (wanted == current)
                    {
                        continue;
                    }

                    var candidate = new Dictionary<string, Entry>(_entries, StringComparer.Ordinal);
                    if (wanted is null)
                    {
                        candidate.Remove(key);
                    }
                    else
                    {
                        candidate[key] = wanted;
                    }

                    Commit(candidate, key);
                }
            }

            Interlocked.Exchange(ref _revision, revision);
        }
    }

    /// <summary>
    /// Validates <paramref name="candidate"/> before anyone else can read it, then publishes it and reloads;
    /// a change that makes something fail is rejected without ever becoming visible.
    /// </summary>
    private void Commit(Dictionary<string, Entry> candidate, string changedKey)
    {
        if (!HasChanged(ToData(candidate)))
        {
            _entries = candidate;
            return;
        }

        if (_validator is not null)
        {
            var failures = Probe(candidate, _validator);
            var introduced = NewFailures(_baselineFailures, failures);
            if (introduced.Count > 0)
            {
                Log.RejectedByValidation(_logger, changedKey, Describe(introduced));
                return;
            }

            _baselineFailures = failures;
        }

        Publish(candidate);
        OnReloadSafely();
        Log.Applied(_logger, changedKey);
    }

    /// <summary>Runs <paramref name="validator"/> against <paramref name="candidate"/>, seen by this thread only.</summary>
    private IReadOnlyDictionary<string, string> Probe(Dictionary<string, Entry> candidate, IEtcdConfigurationValidator validator)
    {
        var outer = s_probe;
        s_probe = (this, new ProbeView(ToData(candidate)));
        try
        {
            return validator.Validate();
        }
        finally
        {
            s_probe = outer;
        }
    }

    /// <inheritdoc />
    public override bool TryGet(string key, out string? value) =>
        s_probe is { } probe && ReferenceEquals(probe.Owner, this) ? probe.View.TryGet(key, out value) : base.TryGet(key, out value);

    /// <inheritdoc />
    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        s_probe is { } probe && ReferenceEquals(probe.Owner, this) ? probe.View.GetChildKeys(earlierKeys, parentPath) : base.GetChildKeys(earlierKeys, parentPath);

    /// <summary>Makes <paramref name="entries"/> the provider's data. Returns false when the data did not change.</summary>
    private bool Publish(Dictionary<string, Entry> entries)
    {
        var data = ToData(entries);
        _entries = entries;
        var changed = HasChanged(data);
        Data = data;
        return changed;
    }

    private bool HasChanged(Dictionary<string, string?> data) =>
        data.Count != Data.Count || data.Any(pair => !Data.TryGetValue(pair.Key, out var old) || old != pair.Value);

    /// <summary>The configuration data <paramref name="entries"/> stand for: app keys win over global ones.</summary>
    private static Dictionary<string, string?> ToData(Dictionary<string, Entry> entries)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.Values)
        {
            if (!entry.FromApp)
            {
                data[entry.ConfigurationKey] = entry.Value;
            }
        }

        foreach (var entry in entries.Values)
        {
            if (entry.FromApp)
            {
                data[entry.ConfigurationKey] = entry.Value;
            }
        }

        return data;
    }

    private void OnReloadSafely()
    {
        try
        {
            OnReload();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A change listener (an IOptionsMonitor binding a bad value, say) threw; the provider keeps running.
            Log.ListenerFailed(_logger, _appPrefix, ex);
        }
    }

    private void RejectIfOurs(EtcdKeyValue kv)
    {
        var bytes = kv.KeyBytes.AsSpan();
        if (bytes.StartsWith(EtcdKeys.Encode(_appPrefix)) || bytes.StartsWith(EtcdKeys.Encode(_globalPrefix)))
        {
            Log.RejectedKey(_logger, Convert.ToBase64String(kv.KeyBytes), "the key is not valid UTF-8 (shown in base64)");
        }
    }

    private bool IsOurs(string key) =>
        key.StartsWith(_appPrefix, StringComparison.Ordinal) || key.StartsWith(_globalPrefix, StringComparison.Ordinal);

    private bool TryCreateEntry(EtcdKeyValue kv, out Entry entry)
    {
        entry = default!;
        var key = kv.Key!;
        var fromApp = key.StartsWith(_appPrefix, StringComparison.Ordinal);
        var relative = key.AsSpan((fromApp ? _appPrefix : _globalPrefix).Length);
        if (!EtcdConfigurationKeys.TryMap(relative, out var configurationKey))
        {
            Log.RejectedKey(_logger, key, "it does not map to a configuration key (empty segment, ':' in a segment, or nothing after the prefix)");
            return false;
        }

        if (!EtcdKeyValue.TryDecode(kv.Value, out var value))
        {
            Log.RejectedValue(_logger, key, kv.ModRevision, "the value is not valid UTF-8");
            return false;
        }

        entry = new Entry(configurationKey, value, fromApp);
        return true;
    }

    private static Dictionary<string, string> NewFailures(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        after.Where(f => !before.ContainsKey(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static bool IsSubset(IReadOnlyDictionary<string, string> failures, IReadOnlyDictionary<string, string> allowed) =>
        failures.Keys.All(allowed.ContainsKey);

    private static string Describe(IReadOnlyDictionary<string, string> failures) =>
        string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}"));

    private sealed record Entry(string ConfigurationKey, string Value, bool FromApp);

    /// <summary>Candidate data, read the way the provider reads its own.</summary>
    private sealed class ProbeView : ConfigurationProvider
    {
        public ProbeView(IDictionary<string, string?> data) => Data = data;
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Information, "Loaded {Count} etcd keys for {Prefix} at revision {Revision}")]
        public static partial void Loaded(ILogger logger, string prefix, int count, long revision);

        [LoggerMessage(102, LogLevel.Warning, "Could not read etcd configuration under {Prefix}: {Reason}; keeping the last good values and retrying")]
        public static partial void LoadFailed(ILogger logger, string prefix, string reason);

        [LoggerMessage(103, LogLevel.Warning, "Rejected etcd key {Key}: {Reason}")]
        public static partial void RejectedKey(ILogger logger, string key, string reason);

        [LoggerMessage(104, LogLevel.Warning, "Rejected the value of etcd key {Key} at revision {Revision}: {Reason}; the previous value stays")]
        public static partial void RejectedValue(ILogger logger, string key, long revision, string reason);

        [LoggerMessage(105, LogLevel.Warning, "Rejected the change of etcd key {Key}: it makes the configuration fail to bind or validate ({Failures}); the previous value stays")]
        public static partial void RejectedByValidation(ILogger logger, string key, string failures);

        [LoggerMessage(106, LogLevel.Information, "Applied the change of etcd key {Key}")]
        public static partial void Applied(ILogger logger, string key);

        [LoggerMessage(107, LogLevel.Error, "A configuration change listener failed after an etcd change under {Prefix}")]
        public static partial void ListenerFailed(ILogger logger, string prefix, Exception exception);

        [LoggerMessage(108, LogLevel.Error, "The etcd configuration watch under {Prefix} failed; starting over")]
        public static partial void LoopFailed(ILogger logger, string prefix, Exception exception);
    }
}
