using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RedBook.Clients.Kafka;

/// <summary>
/// Healthy when the cluster answers a metadata request within the timeout with at least one broker. It uses its own
/// admin client (created on first use, with the client's connection and security settings only) so it never touches
/// the application's producer or consumer.
/// </summary>
internal sealed class KafkaHealthCheck(IEnumerable<KeyValuePair<string, string>> clientConfig, TimeSpan timeout) : IHealthCheck, IDisposable
{
    private static readonly string[] s_sharedPrefixes = ["bootstrap.servers", "security.", "sasl.", "ssl.", "client.id", "socket.", "broker.address.", "client.dns.", "enable.ssl."];

    private readonly Lock _gate = new();
    private readonly TimeSpan _timeout = Clamp(timeout);
    private IAdminClient? _admin;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var admin = Admin();
            // GetMetadata blocks its thread for up to the timeout.
            var metadata = await Task.Run(() => admin.GetMetadata(_timeout), cancellationToken).ConfigureAwait(false);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : new HealthCheckResult(context.Registration.FailureStatus, "The cluster reported no brokers.");
        }
        catch (KafkaException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Kafka did not answer a metadata request within {_timeout.TotalSeconds:0.#} s: {e.Error.Reason}", e);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _admin?.Dispose();
            _admin = null;
        }
    }

    internal static TimeSpan Clamp(TimeSpan value) =>
        value < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : value > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : value;

    private IAdminClient Admin()
    {
        lock (_gate)
        {
            if (_admin is null)
            {
                var config = new AdminClientConfig(clientConfig
                    .Where(static kv => s_sharedPrefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
                    .ToDictionary(static kv => kv.Key, static kv => kv.Value));
                _admin = new AdminClientBuilder(config).Build();
            }

            return _admin;
        }
    }
}
