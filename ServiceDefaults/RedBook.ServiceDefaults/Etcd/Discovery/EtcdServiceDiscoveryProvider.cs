using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Etcd.Registry;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Etcd.Discovery;

/// <summary>
/// Watches the etcd registry for <see cref="EtcdServiceEndpointProviderFactory"/> (the registry's endpoint provider of
/// Microsoft.Extensions.ServiceDiscovery): reads <c>/redbook/services/</c>, then watches it and keeps a live map of
/// <see cref="ServiceEndpoint"/>s per service (one per registered address, each carrying a
/// <see cref="ServiceInstanceFeature"/>), firing the service's change token when its endpoints change. When etcd is unreachable it keeps serving the last known endpoints (AP) while
/// the watch reconnects and resumes. A record that is not valid JSON, has no usable address, or an out-of-range
/// weight is logged and ignored (a previous good record under the same key stays), as is a key that is not
/// <c>/redbook/services/{name}/{instanceId}</c>.
/// </summary>
internal sealed partial class EtcdServiceDiscoveryProvider : BackgroundService, IServiceRegistryView
{
    private readonly EtcdClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceState> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _revision;

    public EtcdServiceDiscoveryProvider(EtcdClient client, TimeProvider timeProvider, ILogger<EtcdServiceDiscoveryProvider> logger)
    {
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Completes once the registry has been read for the first time.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The registry revision applied so far.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>The endpoints registered for <paramref name="serviceName"/> (every endpoint name), or an empty list.</summary>
    public IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName) =>
        _services.TryGetValue(serviceName, out var state) ? state.Endpoints : [];

    /// <summary>A token that fires when the endpoints of <paramref name="serviceName"/> change.</summary>
    public IChangeToken GetChangeToken(string serviceName) =>
        _services.GetOrAdd(serviceName, static _ => new ServiceState([])).Token;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = _client.CreateBackoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var snapshot = await _client.RangeAsync(EtcdServiceRecord.KeyPrefix, prefix: true, stoppingToken).ConfigureAwait(false);
                ApplySnapshot(snapshot.Kvs, snapshot.Revision);
                _synced.TrySetResult();
                backoff.Reset();
                await foreach (var update in _client.WatchAsync(EtcdServiceRecord.KeyPrefix, prefix: true, Revision + 1, stoppingToken).ConfigureAwait(false))
                {
                    if (update.Snapshot is { } kvs)
                    {
                        ApplySnapshot(kvs, update.Revision);
                    }
                    else
                    {
                        ApplyEvents(update.Events, update.Revision);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // etcd unreachable (or anything else): keep the last known endpoints and try again.
                Log.SyncFailed(_logger, ex.Message);
                await TimerDuration.Delay(backoff.Next(), _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var state in _services.Values)
        {
            state.Dispose();
        }

        base.Dispose();
    }

    private void ApplySnapshot(IReadOnlyList<EtcdKeyValue> kvs, long revision)
    {
        lock (_gate)
        {
            var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in kvs)
            {
                if (kv.Key is { } key)
                {
                    present.Add(key);
                    Upsert(kv, touched);
                }
            }

            foreach (var key in _instances.Keys.Where(k => !present.Contains(k)).ToArray())
            {
                touched.Add(_instances[key].Service);
                _instances.Remove(key);
            }

            Publish(touched);
            Interlocked.Exchange(ref _revision, revision);
        }
    }

    private void ApplyEvents(IReadOnlyList<EtcdWatchEvent> events, long revision)
    {
        lock (_gate)
        {
            var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var change in events)
            {
                if (change.Kv.Key is not { } key)
                {
                    Log.Garbage(_logger, Convert.ToBase64String(change.Kv.KeyBytes), "the key is not UTF-8");
                    continue;
                }

                if (change.Type == EtcdEventType.Delete)
                {
                    if (_instances.Remove(key, out var removed))
                    {
                        touched.Add(removed.Service);
                    }
                }
                else
                {
                    Upsert(change.Kv, touched);
                }
            }

            Publish(touched);
            Interlocked.Exchange(ref _revision, Math.Max(Revision, revision));
        }
    }

    private void Upsert(EtcdKeyValue kv, HashSet<string> touched)
    {
        var key = kv.Key!;
        if (!TryParseKey(key, out var service, out var instanceId))
        {
            Log.Garbage(_logger, key, "the key is not /redbook/services/{name}/{instanceId}");
            return;
        }

        if (!TryParseRecord(kv.Value, instanceId, out var endpoints, out var problem))
        {
            Log.Garbage(_logger, key, problem);
            return;
        }

        if (_instances.TryGetValue(key, out var previous) && previous.Value.AsSpan().SequenceEqual(kv.Value))
        {
            return;
        }

        _instances[key] = new Instance(service, endpoints, kv.Value);
        touched.Add(service);
    }

    private void Publish(HashSet<string> touched)
    {
        foreach (var service in touched)
        {
            var endpoints = _instances.Values
                .Where(i => string.Equals(i.Service, service, StringComparison.OrdinalIgnoreCase))
                .SelectMany(i => i.Endpoints)
                .ToArray();
            var fresh = new ServiceState(endpoints);
            while (true)
            {
                if (_services.TryGetValue(service, out var old))
                {
                    if (_services.TryUpdate(service, fresh, old))
                    {
                        old.Fire(); // whoever holds the old token re-reads now
                        break;
                    }
                }
                else if (_services.TryAdd(service, fresh))
                {
                    break;
                }
            }

            Log.ServiceChanged(_logger, service, endpoints.Length);
        }
    }

    internal static bool TryParseKey(string key, out string service, out string instanceId)
    {
        service = instanceId = string.Empty;
        if (!key.StartsWith(EtcdServiceRecord.KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(EtcdServiceRecord.KeyPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1 || rest[(slash + 1)..].Contains('/'))
        {
            return false;
        }

        service = rest[..slash].ToString();
        instanceId = rest[(slash + 1)..].ToString();
        return true;
    }

    internal static bool TryParseRecord(byte[] value, string instanceId, out ServiceEndpoint[] endpoints, out string problem)
    {
        endpoints = [];
        EtcdServiceRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(value, EtcdRegistryJsonContext.Default.EtcdServiceRecord);
        }
        catch (JsonException ex)
        {
            problem = $"the value is not a registration record ({ex.Message})";
            return false;
        }

        var named = record?.Endpoints ?? [];
        if (record is null || ((record.Addresses?.Count ?? 0) == 0 && named.All(n => n.Value is not { Count: > 0 })))
        {
            problem = "the record lists no address";
            return false;
        }

        var weight = record.Weight ?? ServiceInstanceFeature.DefaultWeight;
        if (weight is < 1 or > 1000)
        {
            problem = $"the weight {weight} is outside 1..1000";
            return false;
        }

        var result = new List<ServiceEndpoint>();
        var groups = new List<(string? Name, List<string> Addresses)>();
        if (record.Addresses is { Count: > 0 } addresses)
        {
            groups.Add((null, addresses));
        }

        foreach (var (name, list) in named)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                problem = "the record names an endpoint with an empty name";
                return false;
            }

            groups.Add((name, list ?? []));
        }

        foreach (var (name, list) in groups)
        {
            foreach (var address in list)
            {
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    problem = $"the address '{address}' is not an absolute http(s) URL";
                    return false;
                }

                var endpoint = ServiceEndpoint.Create(new UriEndPoint(uri));
                endpoint.Features.Set(new ServiceInstanceFeature(instanceId)
                {
                    EndpointName = name,
                    Weight = weight,
                    Zone = record.Zone,
                    Color = string.IsNullOrEmpty(record.Color) ? null : record.Color,
                    Version = record.Version,
                    RegisteredAt = record.RegisteredAt,
                });
                result.Add(endpoint);
            }
        }

        endpoints = [.. result];
        problem = string.Empty;
        return true;
    }

    private sealed record Instance(string Service, ServiceEndpoint[] Endpoints, byte[] Value);

    private sealed class ServiceState : IDisposable
    {
        private readonly CancellationTokenSource _changed = new();

        public ServiceState(ServiceEndpoint[] endpoints)
        {
            Endpoints = endpoints;
            Token = new CancellationChangeToken(_changed.Token);
        }

        public ServiceEndpoint[] Endpoints { get; }

        public IChangeToken Token { get; }

        public void Fire() => _changed.Cancel();

        public void Dispose() => _changed.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(301, LogLevel.Warning, "Ignoring registry entry {Key}: {Problem}")]
        public static partial void Garbage(ILogger logger, string key, string problem);

        [LoggerMessage(302, LogLevel.Warning, "Could not sync the etcd registry ({Reason}); keeping the last known endpoints")]
        public static partial void SyncFailed(ILogger logger, string reason);

        [LoggerMessage(303, LogLevel.Debug, "Service {Service} now has {Count} endpoints from etcd")]
        public static partial void ServiceChanged(ILogger logger, string service, int count);
    }
}
