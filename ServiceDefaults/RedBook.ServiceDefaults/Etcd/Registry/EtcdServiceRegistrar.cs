using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Server;
using RedBook.ServiceDefaults.Governance;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.ServiceDefaults.Etcd.Registry;

/// <summary>
/// Registers this instance at <c>/redbook/services/{name}/{instanceId}</c> once the host has started (so the
/// server's real addresses are known), on a lease kept alive every TTL/3. When the lease is lost — expired while
/// etcd was unreachable, revoked, or etcd lost its data — it registers again with a new lease. On graceful
/// shutdown it deregisters first (as an <see cref="IShutdownParticipant"/>, before the server drains, and again,
/// idempotently, in <see cref="StopAsync"/>). If the process dies instead, the lease expires and the entry
/// disappears after at most one TTL. While the lease lives the registrar watches its own key and puts it back if
/// something deletes it. The record carries <c>registeredAt</c> (the first registration; kept across
/// re-registrations) so balancers can ramp a new instance up (slow start).
/// </summary>
internal sealed partial class EtcdServiceRegistrar : BackgroundService, IShutdownParticipant
{
    private static readonly TimeSpan s_deregisterTimeout = TimeSpan.FromSeconds(3);
    private readonly EtcdClient _client;
    private readonly IOptionsMonitor<EtcdRegistrationOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;
    private readonly CancellationTokenSource _deregistering = new();
    private readonly IDisposable? _optionsSubscription;
    private readonly Lock _gate = new();
    private string? _key;
    private string? _instanceId;
    private List<string> _addresses = [];
    private List<string> _grpcAddresses = [];
    private DateTimeOffset? _registeredAt;
    private byte[] _published = [];
    private long _leaseId;
    private int _deregistered;
    private int _registrations;
    private int _disposed;

    public EtcdServiceRegistrar(EtcdClient client, IOptionsMonitor<EtcdRegistrationOptions> options, TimeProvider timeProvider, ILogger<EtcdServiceRegistrar> logger, IServiceProvider services)
    {
        _client = client;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _services = services;
        _optionsSubscription = options.OnChange((changed, name) =>
        {
            if (name == Options.DefaultName)
            {
                _ = RepublishAsync();
            }
        });
    }

    /// <summary>The registry key, once known.</summary>
    public string? Key => _key;

    /// <summary>The current lease (0 when not registered).</summary>
    public long LeaseId => Interlocked.Read(ref _leaseId);

    /// <summary>How many times this instance has (re-)registered.</summary>
    public int Registrations => Volatile.Read(ref _registrations);

    /// <summary>Whether the instance has deregistered (it never registers again).</summary>
    public bool IsDeregistered => Volatile.Read(ref _deregistered) != 0;

    /// <inheritdoc />
    public Task OnShutdownStartingAsync(CancellationToken cancellationToken) => DeregisterAsync(cancellationToken);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await DeregisterAsync(cancellationToken).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        // The same singleton is handed out as a hosted service and a shutdown participant, so DI disposes it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _optionsSubscription?.Dispose();
        _deregistering.Cancel();
        _deregistering.Dispose();
        base.Dispose();
    }

    /// <summary>Removes the registration (revokes the lease, which deletes the key). Safe to call more than once.</summary>
    public async Task DeregisterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _deregistered, 1) != 0)
        {
            return;
        }

        await _deregistering.CancelAsync().ConfigureAwait(false);
        var leaseId = Interlocked.Exchange(ref _leaseId, 0);
        if (leaseId == 0)
        {
            return;
        }

        using var timeout = TimerDuration.CancelAfter(s_deregisterTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _client.RevokeLeaseAsync(leaseId, linked.Token).ConfigureAwait(false);
            Log.Deregistered(_logger, _key ?? string.Empty);
        }
        catch (Exception ex) when (ex is RedBookException or OperationCanceledException)
        {
            // etcd is unreachable: the lease expires on its own within one TTL.
            Log.DeregisterFailed(_logger, _key ?? string.Empty, ex.Message);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.CurrentValue;
        if (!options.Register)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _deregistering.Token);
        var cancellationToken = linked.Token;
        try
        {
            await WaitForStartedAsync(cancellationToken).ConfigureAwait(false);
            _instanceId = options.InstanceId ?? $"{SanitizeId(Dns.GetHostName())}-{Guid.NewGuid().ToString("N")[..8]}";
            _key = EtcdServiceRecord.KeyOf(options.Name!, _instanceId);
            (_addresses, _grpcAddresses) = SplitGrpcEndpoint(ResolveAddresses(options), _services.GetService<IOptions<GrpcEndpointOptions>>()?.Value.Port);
            if (_addresses.Count == 0 && _grpcAddresses.Count == 0)
            {
                Log.NoAddresses(_logger, _key);
                return;
            }

            var backoff = _client.CreateBackoff();
            while (!cancellationToken.IsCancellationRequested)
            {
                long leaseId = 0;
                try
                {
                    var ttl = _options.CurrentValue.LeaseTtl;
                    var lease = await _client.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
                    leaseId = lease.Id;
                    Interlocked.Exchange(ref _leaseId, leaseId);
                    _registeredAt ??= _timeProvider.GetUtcNow();
                    var record = Serialize();
                    var revision = await _client.PutAsync(_key, record, leaseId, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _published, record);
                    Interlocked.Increment(ref _registrations);
                    Log.Registered(_logger, _key, leaseId, lease.Ttl);
                    backoff.Reset();
                    using (var onLease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        var guard = GuardKeyAsync(leaseId, revision, onLease.Token);
                        try
                        {
                            await _client.KeepAliveLoopAsync(leaseId, lease.Ttl, lease.Ttl / 3, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            await onLease.CancelAsync().ConfigureAwait(false);
                            await guard.ConfigureAwait(false);
                        }
                    }

                    Interlocked.CompareExchange(ref _leaseId, 0, leaseId);
                    Log.Reregistering(_logger, _key);
                }
                catch (RedBookException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref _leaseId, 0, leaseId);
                    Log.RegisterFailed(_logger, _key, ex.Error.Message);
                    await TimerDuration.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deregistered, or the host is going away. If the host died without stopping, the lease simply
            // expires: that is what a crash looks like to the registry.
        }
    }

    /// <summary>
    /// Watches the instance's own key while its lease lives. If the key is deleted (an operator's <c>etcdctl del</c>)
    /// the instance would stay invisible to discovery until something else re-published it, so it is put back at once
    /// on the same lease. A delete because the lease itself went away is the keep-alive loop's to handle: that put
    /// fails and the loop registers again.
    /// </summary>
    private async Task GuardKeyAsync(long leaseId, long revision, CancellationToken cancellationToken)
    {
        var key = _key!;
        try
        {
            await foreach (var update in _client.WatchAsync(key, prefix: false, revision + 1, cancellationToken).ConfigureAwait(false))
            {
                var deleted = update.IsSnapshot
                    ? update.Snapshot!.Count == 0
                    : update.Events.Count > 0 && update.Events[^1].Type == EtcdEventType.Delete;
                if (!deleted || LeaseId != leaseId || IsDeregistered)
                {
                    continue;
                }

                try
                {
                    var record = Serialize();
                    await _client.PutAsync(key, record, leaseId, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _published, record);
                    Log.Restored(_logger, key, leaseId);
                }
                catch (RedBookException ex)
                {
                    Log.RestoreFailed(_logger, key, ex.Error.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The lease ended, or the instance deregistered or stopped.
        }
    }

    private async Task RepublishAsync()
    {
        var leaseId = LeaseId;
        if (leaseId == 0 || _key is null || IsDeregistered)
        {
            return;
        }

        var record = Serialize();
        if (record.AsSpan().SequenceEqual(Volatile.Read(ref _published)))
        {
            return; // Options fire on every configuration reload; only a changed record is worth a write.
        }

        try
        {
            await _client.PutAsync(_key, record, leaseId, _deregistering.Token).ConfigureAwait(false);
            Volatile.Write(ref _published, record);
            Log.Republished(_logger, _key);
        }
        catch (Exception ex) when (ex is RedBookException or OperationCanceledException or ObjectDisposedException)
        {
            // The keep-alive loop notices a lost lease and registers again with the current options.
            Log.RepublishFailed(_logger, _key, ex.Message);
        }
    }

    private byte[] Serialize()
    {
        EtcdServiceRecord record;
        lock (_gate)
        {
            var options = _options.CurrentValue;
            record = new EtcdServiceRecord
            {
                Addresses = _addresses.Count > 0 ? [.. _addresses] : null,
                Endpoints = _grpcAddresses.Count > 0 ? new() { [GrpcEndpointOptions.EndpointName] = [.. _grpcAddresses] } : null,
                Version = options.Version ?? s_defaultVersion,
                Zone = options.Zone,
                Color = string.IsNullOrEmpty(options.Color) ? null : options.Color,
                Weight = options.Weight,
                RegisteredAt = _registeredAt,
            };
        }

        return JsonSerializer.SerializeToUtf8Bytes(record, EtcdRegistryJsonContext.Default.EtcdServiceRecord);
    }

    private static readonly string? s_defaultVersion =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private async Task WaitForStartedAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<IHostApplicationLifetime>() is not { } lifetime || lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), started);
        await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Splits the addresses on the gRPC port (<see cref="GrpcEndpointOptions.Port"/>, HTTP/2 only in plain text) from the
    /// default ones: they are published as the named endpoint <c>grpc</c>, so a plain HTTP client never lands on them.
    /// </summary>
    internal static (List<string> Default, List<string> Grpc) SplitGrpcEndpoint(List<string> addresses, int? grpcPort)
    {
        if (grpcPort is not { } port)
        {
            return (addresses, []);
        }

        var grpc = addresses.Where(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Port == port).ToList();
        return (addresses.Except(grpc).ToList(), grpc);
    }

    private List<string> ResolveAddresses(EtcdRegistrationOptions options)
    {
        // Without configured addresses, what the server listens on, less the management port: callers must never be
        // balanced onto it (it serves health and governance only).
        var listening = options.Addresses.Count == 0;
        IEnumerable<string> raw = listening
            ? _services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? []
            : options.Addresses;
        var managementPort = listening ? _services.GetService<IOptions<ManagementOptions>>()?.Value.Port : null;
        var host = options.AdvertisedHost ?? Dns.GetHostName();
        var result = new List<string>();
        foreach (var address in raw)
        {
            var normalized = ReplaceWildcardHost(address, host);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                if (uri.Port == managementPort)
                {
                    continue;
                }

                var text = uri.GetLeftPart(UriPartial.Authority);
                if (!result.Contains(text, StringComparer.OrdinalIgnoreCase))
                {
                    result.Add(text);
                }
            }
            else
            {
                Log.BadAddress(_logger, address);
            }
        }

        return result;
    }

    /// <summary>Replaces a wildcard listen host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) with <paramref name="host"/>.</summary>
    internal static string ReplaceWildcardHost(string address, string host)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return address;
        }

        var hostStart = schemeEnd + 3;
        foreach (var wildcard in (string[])["+", "*", "0.0.0.0", "[::]"])
        {
            if (string.CompareOrdinal(address, hostStart, wildcard, 0, wildcard.Length) == 0
                && (address.Length == hostStart + wildcard.Length || address[hostStart + wildcard.Length] is ':' or '/'))
            {
                return string.Concat(address.AsSpan(0, hostStart), host, address.AsSpan(hostStart + wildcard.Length));
            }
        }

        return address;
    }

    private static string SanitizeId(string text)
    {
        var chars = text.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray();
        return chars.Length == 0 ? "instance" : new string(chars).TrimStart('-', '_', '.');
    }

    private static partial class Log
    {
        [LoggerMessage(201, LogLevel.Information, "Registered {Key} in etcd on lease {LeaseId} (TTL {Ttl})")]
        public static partial void Registered(ILogger logger, string key, long leaseId, TimeSpan ttl);

        [LoggerMessage(202, LogLevel.Warning, "The etcd lease of {Key} was lost; registering again")]
        public static partial void Reregistering(ILogger logger, string key);

        [LoggerMessage(203, LogLevel.Warning, "Could not register {Key} in etcd: {Reason}; retrying")]
        public static partial void RegisterFailed(ILogger logger, string key, string reason);

        [LoggerMessage(204, LogLevel.Information, "Deregistered {Key} from etcd")]
        public static partial void Deregistered(ILogger logger, string key);

        [LoggerMessage(205, LogLevel.Warning, "Could not deregister {Key} from etcd ({Reason}); its lease expires on its own")]
        public static partial void DeregisterFailed(ILogger logger, string key, string reason);

        [LoggerMessage(206, LogLevel.Warning, "{Key} has no address to register (set RedBook:Service:Addresses or run a server)")]
        public static partial void NoAddresses(ILogger logger, string key);

        [LoggerMessage(207, LogLevel.Warning, "Ignoring the address '{Address}': not an absolute http(s) URL")]
        public static partial void BadAddress(ILogger logger, string address);

        [LoggerMessage(208, LogLevel.Information, "Re-published the registration record of {Key} after an options change")]
        public static partial void Republished(ILogger logger, string key);

        [LoggerMessage(209, LogLevel.Warning, "Could not re-publish {Key}: {Reason}")]
        public static partial void RepublishFailed(ILogger logger, string key, string reason);

        [LoggerMessage(210, LogLevel.Warning, "{Key} was deleted from etcd while its lease {LeaseId} lives; put it back")]
        public static partial void Restored(ILogger logger, string key, long leaseId);

        [LoggerMessage(211, LogLevel.Warning, "{Key} was deleted from etcd and could not be put back: {Reason}")]
        public static partial void RestoreFailed(ILogger logger, string key, string reason);
    }
}
