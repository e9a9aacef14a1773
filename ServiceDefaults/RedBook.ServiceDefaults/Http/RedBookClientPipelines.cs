using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Holds one <see cref="ClientRuntime"/> per client name, built on first use from
/// <c>IOptionsMonitor&lt;RedBookClientOptions&gt;.Get(name)</c>. Named options have no change-token source per name
/// (client names are only known when a client is first created), so on every configuration reload this evicts the
/// built clients' cached options and marks their runtimes stale; the next request re-reads the options and builds
/// a new runtime only when they differ (so balancer and breaker state survive reloads that do not touch the client).
/// No pipeline is built per request.
/// </summary>
internal sealed class RedBookClientPipelines : IDisposable
{
    private readonly ConcurrentDictionary<string, ClientRuntime> _runtimes = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<RedBookClientOptions> _options;
    private readonly IOptionsMonitorCache<RedBookClientOptions> _optionsCache;
    private readonly ClientPipelineParts _parts;
    private readonly IDisposable? _reloadSubscription;
    private readonly IDisposable? _monitorSubscription;
    private readonly Lock _gate = new();
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    public RedBookClientPipelines(
        IOptionsMonitor<RedBookClientOptions> options,
        IOptionsMonitorCache<RedBookClientOptions> optionsCache,
        IConfiguration configuration,
        ClientPipelineParts parts)
    {
        _options = options;
        _optionsCache = optionsCache;
        _parts = parts;
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Invalidate);
        _monitorSubscription = options.OnChange((_, _) => Invalidate());
    }

    /// <summary>The runtime of <paramref name="clientName"/>, rebuilt when its configuration changed since the last call.</summary>
    public ClientRuntime Get(string clientName)
    {
        if (_runtimes.TryGetValue(clientName, out var runtime) && !runtime.Stale)
        {
            return runtime;
        }

        lock (_gate)
        {
            if (_runtimes.TryGetValue(clientName, out runtime))
            {
                if (!runtime.Stale)
                {
                    return runtime;
                }

                var fresh = _options.Get(clientName);
                if (SameOptions(runtime.Options, fresh))
                {
                    runtime.Stale = false;
                    return runtime;
                }

                runtime = new ClientRuntime(clientName, fresh, _parts);
            }
            else
            {
                runtime = new ClientRuntime(clientName, _options.Get(clientName), _parts);
            }

            _runtimes[clientName] = runtime;
            return runtime;
        }
    }

    public void Dispose()
    {
        _reloadSubscription?.Dispose();
        _monitorSubscription?.Dispose();
    }

    private void Invalidate()
    {
        foreach (var (name, runtime) in _runtimes)
        {
            _optionsCache.TryRemove(name);
            runtime.Stale = true;
        }
    }

    private static bool SameOptions(RedBookClientOptions a, RedBookClientOptions b) =>
        JsonSerializer.Serialize(a, s_json) == JsonSerializer.Serialize(b, s_json);
}
