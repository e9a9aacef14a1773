using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Etcd.Client;

/// <summary>
/// A small etcd v3 client over etcd's JSON gateway (<c>/v3/kv/*</c>, <c>/v3/lease/*</c>, <c>/v3/watch</c>,
/// <c>/v3/auth/authenticate</c>), which etcd serves on its client port. It sticks to one endpoint and fails over to
/// the next when a call cannot reach it; it authenticates with a user name and password when configured and
/// re-authenticates when the token expires. Errors surface as <see cref="RedBookException"/>:
/// <see cref="ErrorCode.Unavailable"/> when no endpoint answers, <see cref="ErrorCode.InvalidArgument"/> for bad
/// input, and etcd's own code otherwise. Thread-safe.
/// </summary>
internal sealed partial class EtcdClient : IDisposable
{
    private const string AuthorizationHeader = "Authorization";

    private readonly HttpClient _http;
    private readonly Func<EtcdOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private readonly Func<double>? _jitter;
    private AuthToken? _token;
    private int _endpointIndex;

    /// <summary>Creates a client that reads <paramref name="options"/> on every call.</summary>
    /// <param name="options">The current options (endpoints, credentials, timeouts).</param>
    /// <param name="timeProvider">The clock for timeouts and backoff.</param>
    /// <param name="logger">Where failovers and reconnects are logged.</param>
    /// <param name="handler">The HTTP handler; <see cref="CreateDefaultHandler"/> when null. The client disposes it.</param>
    /// <param name="jitter">The backoff jitter source, in [0.8, 1.2]; tests pass a constant.</param>
    public EtcdClient(Func<EtcdOptions> options, TimeProvider timeProvider, ILogger? logger = null, HttpMessageHandler? handler = null, Func<double>? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _jitter = jitter;
        _http = new HttpClient(handler ?? CreateDefaultHandler(), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// The handler the client uses by default: pooled connections recycled every 5 minutes, and TCP keep-alive
    /// (first probe after 30 s idle, then every 5 s, 3 misses) so a peer that vanished without closing the
    /// connection (a crashed host, a dropped NAT entry) breaks the connection within about 45 s instead of never.
    /// Start from it to add TLS trust (<see cref="SocketsHttpHandler.SslOptions"/>).
    /// </summary>
    public static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = static async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>The endpoint calls go to now (it moves on failover).</summary>
    public Uri CurrentEndpoint
    {
        get
        {
            var endpoints = ParseEndpoints(_options());
            return endpoints[Index(endpoints.Length)];
        }
    }

    /// <summary>Creates a backoff driven by the current options.</summary>
    public EtcdBackoff CreateBackoff() => new(() => _options().RetryBackoffInitial, () => _options().RetryBackoffMax, _jitter);

    /// <summary>Reads <paramref name="key"/>, or every key starting with it when <paramref name="prefix"/> is true.</summary>
    public async Task<EtcdRangeResult> RangeAsync(string key, bool prefix, CancellationToken cancellationToken)
    {
        var keyBytes = ValidateKey(key);
        var request = new EtcdRangeRequest { Key = keyBytes, RangeEnd = prefix ? EtcdKeys.PrefixEnd(keyBytes) : null };
        var response = await CallAsync("/v3/kv/range", request, EtcdJsonContext.Default.EtcdRangeRequest, EtcdJsonContext.Default.EtcdRangeResponse, cancellationToken).ConfigureAwait(false);
        return ToRangeResult(response);
    }

    /// <summary>
    /// Reads several prefixes in one transaction, so all of them are seen at the same store revision.
    /// </summary>
    public async Task<EtcdRangeResult> RangePrefixesAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var request = new EtcdTxnRequest();
        foreach (var prefix in prefixes)
        {
            var keyBytes = ValidateKey(prefix);
            request.Success.Add(new EtcdRequestOp { RequestRange = new EtcdRangeRequest { Key = keyBytes, RangeEnd = EtcdKeys.PrefixEnd(keyBytes) } });
        }

        var response = await CallAsync("/v3/kv/txn", request, EtcdJsonContext.Default.EtcdTxnRequest, EtcdJsonContext.Default.EtcdTxnResponse, cancellationToken).ConfigureAwait(false);
        var kvs = new List<EtcdKeyValue>();
        foreach (var op in response.Responses ?? [])
        {
            foreach (var kv in op.ResponseRange?.Kvs ?? [])
            {
                kvs.Add(EtcdKeyValue.FromWire(kv));
            }
        }

        return new EtcdRangeResult(kvs, response.Header?.Revision ?? 0);
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="key"/>, attached to <paramref name="leaseId"/> when non-zero. Returns the new revision.</summary>
    public async Task<long> PutAsync(string key, byte[] value, long leaseId, CancellationToken cancellationToken)
    {
        var keyBytes = ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        var request = new EtcdPutRequest { Key = keyBytes, Value = value, Lease = leaseId };
        var response = await CallAsync("/v3/kv/put", request, EtcdJsonContext.Default.EtcdPutRequest, EtcdJsonContext.Default.EtcdPutResponse, cancellationToken).ConfigureAwait(false);
        return response.Header?.Revision ?? 0;
    }

    /// <summary>Deletes <paramref name="key"/> (or the prefix). Returns how many keys were deleted.</summary>
    public async Task<long> DeleteAsync(string key, bool prefix, CancellationToken cancellationToken)
    {
        var keyBytes = ValidateKey(key);
        var request = new EtcdDeleteRangeRequest { Key = keyBytes, RangeEnd = prefix ? EtcdKeys.PrefixEnd(keyBytes) : null };
        var response = await CallAsync("/v3/kv/deleterange", request, EtcdJsonContext.Default.EtcdDeleteRangeRequest, EtcdJsonContext.Default.EtcdDeleteRangeResponse, cancellationToken).ConfigureAwait(false);
        return response.Deleted;
    }

    /// <summary>
    /// Compare-and-swap in one transaction: writes <paramref name="value"/> only if the key's mod revision is still
    /// <paramref name="expectedModRevision"/> (0 means "the key does not exist"). Returns whether it wrote and the
    /// key's current value when it did not.
    /// </summary>
    public async Task<(bool Succeeded, EtcdKeyValue? Current)> CompareAndSwapAsync(string key, long expectedModRevision, byte[] value, long leaseId, CancellationToken cancellationToken)
    {
        var keyBytes = ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (expectedModRevision < 0)
        {
            throw Invalid($"The expected mod revision must be zero or positive, was {expectedModRevision}.");
        }

        var request = new EtcdTxnRequest
        {
            Compare = [new EtcdCompare { Result = "EQUAL", Target = "MOD", Key = keyBytes, ModRevision = expectedModRevision }],
            Success = [new EtcdRequestOp { RequestPut = new EtcdPutRequest { Key = keyBytes, Value = value, Lease = leaseId } }],
            Failure = [new EtcdRequestOp { RequestRange = new EtcdRangeRequest { Key = keyBytes } }],
        };
        var response = await CallAsync("/v3/kv/txn", request, EtcdJsonContext.Default.EtcdTxnRequest, EtcdJsonContext.Default.EtcdTxnResponse, cancellationToken).ConfigureAwait(false);
        if (response.Succeeded)
        {
            return (true, null);
        }

        var current = response.Responses?.FirstOrDefault()?.ResponseRange?.Kvs?.FirstOrDefault();
        return (false, current is null ? null : EtcdKeyValue.FromWire(current));
    }

    /// <summary>Grants a lease of <paramref name="ttl"/> (whole seconds, at least one).</summary>
    public async Task<EtcdLease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (ttl < TimeSpan.FromSeconds(1))
        {
            throw Invalid($"A lease TTL must be at least one second, was {ttl}.");
        }

        var request = new EtcdLeaseGrantRequest { Ttl = (long)Math.Ceiling(ttl.TotalSeconds) };
        var response = await CallAsync("/v3/lease/grant", request, EtcdJsonContext.Default.EtcdLeaseGrantRequest, EtcdJsonContext.Default.EtcdLeaseGrantResponse, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(response.Error) || response.Id == 0)
        {
            throw new RedBookException(new RedBookError(ErrorCode.Unknown, EtcdReasons.RequestFailed, $"etcd did not grant the lease: {response.Error ?? "no lease id"}."));
        }

        return new EtcdLease(response.Id, TimeSpan.FromSeconds(response.Ttl));
    }

    /// <summary>Renews the lease once. Returns its remaining TTL; <see cref="TimeSpan.Zero"/> when the lease is gone.</summary>
    public async Task<TimeSpan> KeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken)
    {
        var request = new EtcdLeaseIdRequest { Id = leaseId };
        var response = await CallAsync(
            "/v3/lease/keepalive",
            request,
            EtcdJsonContext.Default.EtcdLeaseIdRequest,
            static (content, ct) => ReadFirstStreamedAsync(content, EtcdJsonContext.Default.EtcdStreamEnvelopeEtcdLeaseKeepAliveResponse, ct),
            cancellationToken).ConfigureAwait(false);
        if (response.Error is { } error)
        {
            throw ToException(error, "/v3/lease/keepalive");
        }

        return TimeSpan.FromSeconds(response.Result?.Ttl ?? 0);
    }

    /// <summary>
    /// Keeps the lease alive every <paramref name="interval"/> until <paramref name="cancellationToken"/> fires
    /// (throws <see cref="OperationCanceledException"/>) or the lease is lost (returns). A renewal that fails
    /// because etcd is unreachable is retried with backoff; the lease counts as lost when etcd says it does not
    /// exist, or when no renewal has succeeded for a whole <paramref name="ttl"/>.
    /// </summary>
    public async Task KeepAliveLoopAsync(long leaseId, TimeSpan ttl, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero || ttl <= TimeSpan.Zero)
        {
            throw Invalid("The keep-alive interval and the TTL must be positive.");
        }

        var backoff = CreateBackoff();
        var lastRenewed = _timeProvider.GetTimestamp();
        var delay = interval;
        while (true)
        {
            await TimerDuration.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            try
            {
                var remaining = await KeepAliveOnceAsync(leaseId, cancellationToken).ConfigureAwait(false);
                if (remaining <= TimeSpan.Zero)
                {
                    Log.LeaseLost(_logger, leaseId);
                    return;
                }

                lastRenewed = _timeProvider.GetTimestamp();
                backoff.Reset();
                delay = interval;
            }
            catch (RedBookException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (_timeProvider.GetElapsedTime(lastRenewed) >= ttl)
                {
                    Log.LeaseExpiredWhileUnreachable(_logger, leaseId, ex.Error.Message);
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(backoff.Next().Ticks, interval.Ticks));
                Log.KeepAliveFailed(_logger, leaseId, ex.Error.Message);
            }
        }
    }

    /// <summary>Revokes the lease, deleting every key attached to it. Returns false when the lease was already gone.</summary>
    public async Task<bool> RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("/v3/lease/revoke", new EtcdLeaseIdRequest { Id = leaseId }, EtcdJsonContext.Default.EtcdLeaseIdRequest, EtcdJsonContext.Default.EtcdLeaseRevokeResponse, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RedBookException ex) when (ex.Error.Reason == EtcdReasons.LeaseNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Watches <paramref name="key"/> (or the prefix) from <paramref name="startRevision"/> (0: from now) as an
    /// endless stream. After a disconnect it reconnects with backoff, failing over between endpoints, and resumes
    /// at the revision after the last event it yielded, so no change is missed or repeated. When that history has
    /// been compacted away, or etcd came back with an older store than the watcher had seen, it re-reads the range
    /// and yields a snapshot, then watches on from there. A stream that delivers nothing for
    /// <see cref="EtcdOptions.WatchIdleTimeout"/> is treated as hung and re-opened the same way.
    /// </summary>
    public async IAsyncEnumerable<EtcdWatchUpdate> WatchAsync(string key, bool prefix, long startRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keyBytes = ValidateKey(key);
        var rangeEnd = prefix ? EtcdKeys.PrefixEnd(keyBytes) : null;
        var next = startRevision;
        var backoff = CreateBackoff();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var compacted = false;
            var session = await OpenWatchAsync(keyBytes, rangeEnd, next, cancellationToken).ConfigureAwait(false);
            var idleTimeout = _options().WatchIdleTimeout;
            if (session is not null)
            {
                try
                {
                    while (true)
                    {
                        var message = await session.ReadAsync(idleTimeout, cancellationToken).ConfigureAwait(false);
                        if (message is null)
                        {
                            if (session.IdledOut)
                            {
                                Log.WatchIdle(_logger, key, next, session.Endpoint, idleTimeout);
                            }
                            else
                            {
                                Log.WatchDisconnected(_logger, key, next, session.Endpoint);
                            }

                            break;
                        }

                        if (message.Canceled)
                        {
                            if (message.CompactRevision > 0)
                            {
                                Log.WatchCompacted(_logger, key, next, message.CompactRevision);
                                compacted = true;
                            }
                            else
                            {
                                if (IsAuthError(message.CancelReason))
                                {
                                    _token = null;
                                }

                                Log.WatchCanceled(_logger, key, message.CancelReason ?? "no reason");
                            }

                            break;
                        }

                        if (message.Created)
                        {
                            backoff.Reset();
                            var current = message.Header?.Revision ?? 0;
                            if (next == 0)
                            {
                                next = current + 1;
                            }
                            else if (current > 0 && current < next - 1)
                            {
                                // The store is behind what we already saw: etcd came back without its data (or from
                                // an older backup). Waiting for revision `next` would silently skip everything up
                                // to it, so re-read the range instead, as after a compaction.
                                Log.WatchStoreRewound(_logger, key, next - 1, current);
                                compacted = true;
                                break;
                            }

                            continue;
                        }

                        if (message.Events is not { Count: > 0 } events)
                        {
                            continue;
                        }

                        var converted = new EtcdWatchEvent[events.Count];
                        for (var i = 0; i < events.Count; i++)
                        {
                            var kv = EtcdKeyValue.FromWire(events[i].Kv ?? new EtcdWireKeyValue());
                            var type = string.Equals(events[i].Type, "DELETE", StringComparison.Ordinal) ? EtcdEventType.Delete : EtcdEventType.Put;
                            converted[i] = new EtcdWatchEvent(type, kv);
                            next = Math.Max(next, kv.ModRevision + 1);
                        }

                        yield return EtcdWatchUpdate.ForEvents(converted, next - 1);
                    }
                }
                finally
                {
                    session.Dispose();
                }
            }

            if (compacted)
            {
                var snapshot = await TryRangeAsync(key, prefix, cancellationToken).ConfigureAwait(false);
                if (snapshot is not null)
                {
                    next = snapshot.Revision + 1;
                    backoff.Reset();
                    yield return EtcdWatchUpdate.ForSnapshot(snapshot.Kvs, snapshot.Revision);
                    continue;
                }

                // Could not re-read: keep the compacted revision so the next attempt compacts again and re-reads.
            }

            await TimerDuration.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _authGate.Dispose();
    }

    private async Task<EtcdRangeResult?> TryRangeAsync(string key, bool prefix, CancellationToken cancellationToken)
    {
        try
        {
            return await RangeAsync(key, prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (RedBookException ex)
        {
            Log.WatchRereadFailed(_logger, key, ex.Error.Message);
            return null;
        }
    }

    private async Task<WatchSession?> OpenWatchAsync(byte[] key, byte[]? rangeEnd, long startRevision, CancellationToken cancellationToken)
    {
        var options = _options();
        var endpoints = ParseEndpoints(options);
        var index = Index(endpoints.Length);
        var endpoint = endpoints[index];
        var request = new EtcdWatchRequest { CreateRequest = new EtcdWatchCreateRequest { Key = key, RangeEnd = rangeEnd, StartRevision = startRevision, ProgressNotify = true } };
        HttpResponseMessage? response = null;
        try
        {
            var token = await EnsureTokenAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
            using var timeout = TimerDuration.CancelAfter(options.RequestTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var message = CreateRequest(endpoint, "/v3/watch", request, EtcdJsonContext.Default.EtcdWatchRequest, token);
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, linked.Token).ConfigureAwait(false);
                if (IsAuthError(error))
                {
                    _token = null;
                }

                Log.WatchOpenFailed(_logger, endpoint, error.Text);
                response.Dispose();
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new WatchSession(endpoint, response, stream, _timeProvider);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or RedBookException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            response?.Dispose();
            Log.WatchOpenFailed(_logger, endpoint, ex.Message);
            Failover(index, endpoints.Length, endpoint);
            return null;
        }
    }

    private Task<TResponse> CallAsync<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, CancellationToken cancellationToken)
        where TResponse : class =>
        CallAsync(path, request, requestInfo, async (content, ct) => await content.ReadFromJsonAsync(responseInfo, ct).ConfigureAwait(false), cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestInfo, Func<HttpContent, CancellationToken, Task<TResponse?>> read, CancellationToken cancellationToken)
        where TResponse : class
    {
        var options = _options();
        var endpoints = ParseEndpoints(options);
        var reauthenticated = false;
        string? lastFailure = null;
        for (var attempts = 0; attempts < endpoints.Length;)
        {
            var index = Index(endpoints.Length);
            var endpoint = endpoints[index];
            using var timeout = TimerDuration.CancelAfter(options.RequestTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var token = await EnsureTokenAsync(endpoint, options, linked.Token).ConfigureAwait(false);
                using var message = CreateRequest(endpoint, path, request, requestInfo, token);
                using var response = await _http.SendAsync(message, linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return await read(response.Content, linked.Token).ConfigureAwait(false)
                        ?? throw new RedBookException(new RedBookError(ErrorCode.Internal, EtcdReasons.RequestFailed, $"etcd sent an empty answer to {path}."));
                }

                var error = await ReadErrorAsync(response, linked.Token).ConfigureAwait(false);
                if (IsAuthError(error) && !string.IsNullOrEmpty(options.Username) && !reauthenticated)
                {
                    // The token expired (etcd's simple tokens live 5 minutes by default) or etcd restarted: log in again once.
                    _token = null;
                    reauthenticated = true;
                    continue;
                }

                if (error.EffectiveCode == (int)ErrorCode.Unavailable)
                {
                    lastFailure = error.Text;
                    Failover(index, endpoints.Length, endpoint);
                    attempts++;
                    continue;
                }

                throw ToException(error, path);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lastFailure = ex is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : ex.Message;
                Failover(index, endpoints.Length, endpoint);
                attempts++;
            }
            catch (JsonException ex)
            {
                throw new RedBookException(new RedBookError(ErrorCode.Internal, EtcdReasons.RequestFailed, $"etcd sent an answer to {path} that is not the expected JSON."), ex);
            }
        }

        throw new RedBookException(new RedBookError(
            ErrorCode.Unavailable,
            EtcdReasons.Unavailable,
            $"etcd is unreachable: {path} failed on every endpoint ({string.Join(", ", endpoints.Select(e => e.ToString()))}); last failure: {lastFailure}."));
    }

    private async Task<string?> EnsureTokenAsync(Uri endpoint, EtcdOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Username))
        {
            return null;
        }

        if (_token is { } cached && cached.Username == options.Username)
        {
            return cached.Value;
        }

        await _authGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && again.Username == options.Username)
            {
                return again.Value;
            }

            var request = new EtcdAuthenticateRequest { Name = options.Username, Password = options.Password ?? string.Empty };
            using var message = CreateRequest(endpoint, "/v3/auth/authenticate", request, EtcdJsonContext.Default.EtcdAuthenticateRequest, token: null);
            using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                if (error.EffectiveCode == (int)ErrorCode.Unavailable)
                {
                    throw new HttpRequestException($"etcd could not authenticate now: {error.Text}");
                }

                throw new RedBookException(new RedBookError(ErrorCode.Unauthenticated, EtcdReasons.AuthFailed, $"etcd refused the credentials of user '{options.Username}': {error.Text}."));
            }

            var body = await response.Content.ReadFromJsonAsync(EtcdJsonContext.Default.EtcdAuthenticateResponse, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(body?.Token))
            {
                throw new RedBookException(new RedBookError(ErrorCode.Unauthenticated, EtcdReasons.AuthFailed, "etcd answered the authentication without a token; is auth enabled on the server?"));
            }

            _token = new AuthToken(options.Username, body.Token);
            Log.Authenticated(_logger, options.Username, endpoint);
            return body.Token;
        }
        finally
        {
            _authGate.Release();
        }
    }

    private static HttpRequestMessage CreateRequest<TRequest>(Uri endpoint, string path, TRequest request, JsonTypeInfo<TRequest> requestInfo, string? token)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
        {
            Content = JsonContent.Create(request, requestInfo),
        };
        if (token is not null)
        {
            message.Headers.TryAddWithoutValidation(AuthorizationHeader, token);
        }

        return message;
    }

    private static async Task<EtcdGatewayError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var error = JsonSerializer.Deserialize(text, EtcdJsonContext.Default.EtcdGatewayError);
            if (error is not null && (error.Message is not null || error.Error is not null))
            {
                return error;
            }
        }
        catch (JsonException)
        {
            // Not the gateway's error shape (a proxy in between, say); fall through to the status code.
        }

        var code = (int)response.StatusCode switch
        {
            400 => ErrorCode.InvalidArgument,
            401 => ErrorCode.Unauthenticated,
            403 => ErrorCode.PermissionDenied,
            404 => ErrorCode.NotFound,
            429 => ErrorCode.ResourceExhausted,
            502 or 503 or 504 => ErrorCode.Unavailable,
            _ => ErrorCode.Unknown,
        };
        return new EtcdGatewayError { Code = (int)code, Message = $"HTTP {(int)response.StatusCode}: {Truncate(text)}" };
    }

    private static async Task<T?> ReadFirstStreamedAsync<T>(HttpContent content, JsonTypeInfo<T> info, CancellationToken cancellationToken)
        where T : class
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                return JsonSerializer.Deserialize(line, info);
            }
        }

        return null;
    }

    private static RedBookException ToException(EtcdGatewayError error, string path)
    {
        var code = error.EffectiveCode is > 0 and <= 16 ? (ErrorCode)error.EffectiveCode : ErrorCode.Unknown;
        var reason = code switch
        {
            ErrorCode.InvalidArgument => EtcdReasons.InvalidArgument,
            ErrorCode.Unauthenticated => EtcdReasons.AuthFailed,
            ErrorCode.Unavailable => EtcdReasons.Unavailable,
            ErrorCode.NotFound when error.Text.Contains("lease not found", StringComparison.Ordinal) => EtcdReasons.LeaseNotFound,
            _ => EtcdReasons.RequestFailed,
        };
        return new RedBookException(new RedBookError(code, reason, $"etcd rejected {path}: {error.Text}."));
    }

    private static bool IsAuthError(EtcdGatewayError error) =>
        error.EffectiveCode == (int)ErrorCode.Unauthenticated || IsAuthError(error.Text);

    private static bool IsAuthError(string? message) =>
        message is not null
        && (message.Contains("invalid auth token", StringComparison.Ordinal)
            || message.Contains("user name is empty", StringComparison.Ordinal)
            || message.Contains("auth: revision in header is old", StringComparison.Ordinal));

    private static EtcdRangeResult ToRangeResult(EtcdRangeResponse response)
    {
        var kvs = response.Kvs is { Count: > 0 } list ? list.ConvertAll(EtcdKeyValue.FromWire) : [];
        return new EtcdRangeResult(kvs, response.Header?.Revision ?? 0);
    }

    private static byte[] ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Invalid("An etcd key must not be empty.");
        }

        return EtcdKeys.Encode(key);
    }

    private static Uri[] ParseEndpoints(EtcdOptions options)
    {
        if (options.Endpoints.Count == 0)
        {
            throw Invalid($"No etcd endpoint is configured (set {EtcdOptions.SectionName}:Endpoints:0).");
        }

        var result = new Uri[options.Endpoints.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var text = options.Endpoints[i];
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw Invalid($"The etcd endpoint '{text}' is not an absolute http:// or https:// URL.");
            }

            result[i] = uri;
        }

        return result;
    }

    private static RedBookException Invalid(string message) =>
        new(new RedBookError(ErrorCode.InvalidArgument, EtcdReasons.InvalidArgument, message));

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private int Index(int count) => (int)((uint)Volatile.Read(ref _endpointIndex) % (uint)count);

    private void Failover(int failedIndex, int count, Uri failed)
    {
        if (count > 1 && Interlocked.CompareExchange(ref _endpointIndex, (failedIndex + 1) % count, failedIndex) == failedIndex)
        {
            Log.FailedOver(_logger, failed, failedIndex, (failedIndex + 1) % count);
        }
    }

    private sealed record AuthToken(string Username, string Value);

    private sealed class WatchSession(Uri endpoint, HttpResponseMessage response, Stream stream, TimeProvider timeProvider) : IDisposable
    {
        private readonly StreamReader _reader = new(stream);

        // Cancelled by the caller's token or when the stream stays silent past the idle timeout (re-armed per read).
        private readonly CancellationTokenSource _idle = new(Timeout.InfiniteTimeSpan, timeProvider);
        private CancellationTokenRegistration _callerRegistration;

        public Uri Endpoint { get; } = endpoint;

        /// <summary>True when the last read ended because nothing arrived within the idle timeout.</summary>
        public bool IdledOut { get; private set; }

        /// <summary>The next watch message, or null when the stream ended, broke or stayed silent for <paramref name="idleTimeout"/>.</summary>
        public async Task<EtcdWatchResponse?> ReadAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
        {
            if (_callerRegistration == default && cancellationToken.CanBeCanceled)
            {
                _callerRegistration = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _idle);
            }

            while (true)
            {
                string? line;
                try
                {
                    _idle.CancelAfter(TimerDuration.Clamp(idleTimeout));
                    line = await _reader.ReadLineAsync(_idle.Token).ConfigureAwait(false);
                    _idle.CancelAfter(Timeout.InfiniteTimeSpan); // the consumer's time between reads is not silence
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    IdledOut = ex is OperationCanceledException;
                    return null;
                }

                if (line is null)
                {
                    return null;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                EtcdStreamEnvelope<EtcdWatchResponse>? envelope;
                try
                {
                    envelope = JsonSerializer.Deserialize(line, EtcdJsonContext.Default.EtcdStreamEnvelopeEtcdWatchResponse);
                }
                catch (JsonException)
                {
                    return null;
                }

                if (envelope?.Result is { } result)
                {
                    return result;
                }

                return envelope?.Error is { } error
                    ? new EtcdWatchResponse { Canceled = true, CancelReason = error.Text }
                    : null;
            }
        }

        public void Dispose()
        {
            _callerRegistration.Dispose();
            _idle.Dispose();
            _reader.Dispose();
            response.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "etcd endpoint {Endpoint} (#{From}) failed; failing over to endpoint #{To}")]
        public static partial void FailedOver(ILogger logger, Uri endpoint, int from, int to);

        [LoggerMessage(2, LogLevel.Information, "Authenticated to etcd as {Username} at {Endpoint}")]
        public static partial void Authenticated(ILogger logger, string username, Uri endpoint);

        [LoggerMessage(3, LogLevel.Warning, "etcd watch on {Key} disconnected from {Endpoint}; resuming at revision {Revision}")]
        public static partial void WatchDisconnected(ILogger logger, string key, long revision, Uri endpoint);

        [LoggerMessage(12, LogLevel.Information, "etcd watch on {Key} at {Endpoint} received nothing for {IdleTimeout}; re-opening it at revision {Revision}")]
        public static partial void WatchIdle(ILogger logger, string key, long revision, Uri endpoint, TimeSpan idleTimeout);

        [LoggerMessage(4, LogLevel.Warning, "etcd watch on {Key} could not resume at revision {Revision}: history compacted to {CompactRevision}; re-reading the range")]
        public static partial void WatchCompacted(ILogger logger, string key, long revision, long compactRevision);

        [LoggerMessage(5, LogLevel.Warning, "etcd canceled the watch on {Key}: {Reason}")]
        public static partial void WatchCanceled(ILogger logger, string key, string reason);

        [LoggerMessage(6, LogLevel.Warning, "Could not open an etcd watch at {Endpoint}: {Reason}")]
        public static partial void WatchOpenFailed(ILogger logger, Uri endpoint, string reason);

        [LoggerMessage(7, LogLevel.Warning, "Could not re-read {Key} after compaction: {Reason}")]
        public static partial void WatchRereadFailed(ILogger logger, string key, string reason);

        [LoggerMessage(11, LogLevel.Warning, "etcd watch on {Key}: the store is at revision {Current}, behind the {Seen} already seen (etcd lost or restored its data); re-reading the range")]
        public static partial void WatchStoreRewound(ILogger logger, string key, long seen, long current);

        [LoggerMessage(8, LogLevel.Warning, "etcd lease {LeaseId} is gone (expired or revoked)")]
        public static partial void LeaseLost(ILogger logger, long leaseId);

        [LoggerMessage(9, LogLevel.Warning, "etcd lease {LeaseId} keep-alive failed: {Reason}; retrying")]
        public static partial void KeepAliveFailed(ILogger logger, long leaseId, string reason);

        [LoggerMessage(10, LogLevel.Warning, "etcd lease {LeaseId} was not renewed for a whole TTL ({Reason}); treating it as lost")]
        public static partial void LeaseExpiredWhileUnreachable(ILogger logger, long leaseId, string reason);
    }
}
