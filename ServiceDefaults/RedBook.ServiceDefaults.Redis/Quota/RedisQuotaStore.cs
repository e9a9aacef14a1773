using System.Globalization;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Quota;
using StackExchange.Redis;

namespace RedBook.ServiceDefaults.Redis.Quota;

/// <summary>
/// The quota server side on Redis, shared by every process that points at the same Redis and key prefix: the
/// distributed form of <see cref="InProcessQuotaStore"/>, with the same semantics. Each request is one atomic Lua
/// script (<c>quota-acquire.lua</c>, beside this file) that reclaims the expired leases, recomputes every live client's
/// grant with the resource's <see cref="QuotaOptions.Algorithm"/> and gives the caller the smaller of its grant and what
/// the others do not hold, so N replicas share one capacity instead of taking N times it.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Lease expiry is decided inside the script by the Redis server's clock (<c>TIME</c>; Redis 5 and
/// later replicate a script's effects, so a write may follow it), never by a client's. The lease handed back expires,
/// on the caller's <see cref="TimeProvider"/>, one lease length after the request was sent: no later than the server's
/// expiry, so a client never counts on a lease the store has already reclaimed, whatever the clocks' offset.</para>
/// <para><b>Failure.</b> A call that cannot reach Redis, does not answer within
/// <see cref="RedisQuotaStoreOptions.Timeout"/> or gets a transient refusal throws <see cref="RedBookException"/> with
/// <see cref="ErrorCode.Unavailable"/> (reason <see cref="RedisQuotaConstants.UnavailableReason"/>); a disconnected
/// multiplexer fails at once. The quota client then keeps its lease until it expires and degrades to its static
/// limit.</para>
/// <para><b>Scripts.</b> They run through StackExchange.Redis's <see cref="LuaScript"/>: the first call on a connection
/// sends <c>SCRIPT LOAD</c>, later calls <c>EVALSHA</c>, and a server that lost its script cache (a restart, <c>SCRIPT
/// FLUSH</c>) answers <c>NOSCRIPT</c>, after which the script is loaded again.</para>
/// </remarks>
public sealed class RedisQuotaStore : IQuotaStore
{
    private static readonly LuaScript s_acquire = LuaScript.Prepare(ReadScript("quota-acquire.lua"));
    private static readonly LuaScript s_leases = LuaScript.Prepare(ReadScript("quota-leases.lua"));

    private readonly IConnectionMultiplexer _connection;
    private readonly IOptionsMonitor<QuotaOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _keyPrefix;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The Redis connection (Aspire's <c>AddRedisClient</c> registers one); the store does not own it.</param>
    /// <param name="options">Per-resource options (named by resource), the same as the in-process store's.</param>
    /// <param name="storeOptions">Key prefix and timeout; the defaults when null.</param>
    /// <param name="timeProvider">The clock of the timeout and of the expiry handed to clients; <see cref="TimeProvider.System"/> when null.</param>
    public RedisQuotaStore(IConnectionMultiplexer connection, IOptionsMonitor<QuotaOptions> options, RedisQuotaStoreOptions? storeOptions = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        storeOptions ??= new RedisQuotaStoreOptions();
        ArgumentException.ThrowIfNullOrEmpty(storeOptions.KeyPrefix);
        _connection = connection;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _keyPrefix = storeOptions.KeyPrefix;
        _timeout = Clamp(storeOptions.Timeout);
    }

    /// <summary>The script that <see cref="AcquireAsync"/> runs (for tests that call it with raw arguments).</summary>
    internal static LuaScript AcquireScript => s_acquire;

    /// <summary>The connection the store uses (for tests of the registration).</summary>
    internal IConnectionMultiplexer Connection => _connection;

    /// <summary>The key that holds <paramref name="resource"/>'s leases: <c>{KeyPrefix}{resource}</c>.</summary>
    public RedisKey GetKey(string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        return new RedisKey(_keyPrefix + resource);
    }

    /// <inheritdoc />
    /// <exception cref="RedBookException">InvalidArgument for an invalid request or a misconfigured resource;
    /// Unavailable when Redis cannot answer in time; Internal when the resource's key holds unreadable state.</exception>
    public async ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        QuotaStoreRules.Validate(request);
        var options = QuotaStoreRules.GetOptions(_options, request.Resource);
        var parameters = new AcquireParameters
        {
            key = GetKey(request.Resource),
            client = request.ClientId,
            wants = Format(request.Wants),
            capacity = Format(options.Capacity),
            algorithm = ScriptAlgorithm(options.Algorithm),
            lease_us = (options.LeaseLength.Ticks / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture),
        };

        var sent = _timeProvider.GetUtcNow();
        var result = await EvaluateAsync(s_acquire, parameters, request.Resource, cancellationToken).ConfigureAwait(false);
        var granted = ParseNumber(result, request.Resource);
        return new QuotaLease(request.Resource, request.ClientId, granted, sent + options.LeaseLength, QuotaStoreRules.RefreshInterval(options));
    }

    /// <inheritdoc />
    /// <exception cref="RedBookException">Unavailable when Redis cannot answer in time.</exception>
    public async ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        var database = Database(resource);
        await WaitAsync(Start(resource, () => database.HashDeleteAsync(GetKey(resource), clientId)), resource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The live leases of <paramref name="resource"/> as the Redis server's clock sees them (one read-only script,
    /// <c>quota-leases.lua</c>), for diagnostics and tests. Each expiry is the time the request was sent, on the
    /// caller's clock, plus the time the server had left on the lease.
    /// </summary>
    /// <exception cref="RedBookException">Unavailable when Redis cannot answer in time; Internal for unreadable state.</exception>
    public async Task<IReadOnlyList<QuotaLease>> GetLeasesAsync(string resource, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        cancellationToken.ThrowIfCancellationRequested();
        var refresh = QuotaStoreRules.RefreshInterval(QuotaStoreRules.GetOptions(_options, resource));
        var sent = _timeProvider.GetUtcNow();
        var result = await EvaluateAsync(s_leases, new KeyParameters { key = GetKey(resource) }, resource, cancellationToken).ConfigureAwait(false);
        var items = (RedisResult[]?)result ?? [];
        var leases = new List<QuotaLease>(items.Length / 3);
        for (var i = 0; i + 2 < items.Length; i += 3)
        {
            var remainingMicroseconds = ParseNumber(items[i + 2], resource);
            leases.Add(new QuotaLease(
                resource,
                (string?)items[i] ?? string.Empty,
                ParseNumber(items[i + 1], resource),
                sent + TimeSpan.FromTicks((long)(remainingMicroseconds * TimeSpan.TicksPerMicrosecond)),
                refresh));
        }

        return leases;
    }

    private Task<RedisResult> EvaluateAsync(LuaScript script, object parameters, string resource, CancellationToken cancellationToken)
    {
        var database = Database(resource);
        return WaitAsync(Start(resource, () => script.EvaluateAsync(database, parameters)), resource, cancellationToken);
    }

    private IDatabase Database(string resource)
    {
        // A multiplexer that knows it has no connection fails at once rather than queueing until the timeout.
        if (!_connection.IsConnected)
        {
            throw Unavailable($"The quota store of '{resource}' cannot reach Redis: not connected.", null);
        }

        return _connection.GetDatabase();
    }

    private static Task<T> Start<T>(string resource, Func<Task<T>> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            throw Unavailable($"The quota store of '{resource}' cannot reach Redis: {ex.Message}", ex);
        }
    }

    private async Task<T> WaitAsync<T>(Task<T> call, string resource, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex) when (!call.IsCompleted)
        {
            Observe(call);
            throw Unavailable($"The quota store of '{resource}' got no answer from Redis within {_timeout.TotalMilliseconds:0} ms.", ex);
        }
        catch (OperationCanceledException) when (!call.IsCompleted)
        {
            Observe(call);
            throw;
        }
        catch (RedisServerException ex)
        {
            throw FromServerError(ex, resource);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            throw Unavailable($"The quota store of '{resource}' cannot reach Redis: {ex.Message}", ex);
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
        || (ex is RedisException and not RedisServerException);

    /// <summary>The script's own errors name their reason first; anything else Redis refuses is transient (LOADING, BUSY, READONLY, OOM...).</summary>
    private static RedBookException FromServerError(RedisServerException ex, string resource)
    {
        var message = ex.Message;
        if (message.StartsWith(QuotaConstants.InvalidRequestReason, StringComparison.Ordinal))
        {
            return QuotaStoreRules.Invalid($"The quota request for '{resource}' is invalid: {message[QuotaConstants.InvalidRequestReason.Length..].Trim()}", ex);
        }

        if (message.StartsWith(RedisQuotaConstants.CorruptStateReason, StringComparison.Ordinal))
        {
            return new RedBookException(new RedBookError(
                ErrorCode.Internal,
                RedisQuotaConstants.CorruptStateReason,
                $"The quota state of '{resource}' in Redis is unreadable: {message[RedisQuotaConstants.CorruptStateReason.Length..].Trim()}"), ex);
        }

        return Unavailable($"Redis refused the quota request for '{resource}': {message}", ex);
    }

    private static RedBookException Unavailable(string message, Exception? inner) =>
        new(new RedBookError(ErrorCode.Unavailable, RedisQuotaConstants.UnavailableReason, message), inner);

    private static void Observe(Task call) =>
        call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static double ParseNumber(RedisResult result, string resource)
    {
        var text = (string?)result;
        if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw new RedBookException(new RedBookError(
                ErrorCode.Internal, RedisQuotaConstants.CorruptStateReason, $"The quota script answered '{text}' for '{resource}', not a number."));
        }

        return value;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string ScriptAlgorithm(QuotaAlgorithm algorithm) => algorithm switch
    {
        QuotaAlgorithm.FairShare => "fair",
        QuotaAlgorithm.ProportionalShare => "proportional",
        _ => throw QuotaStoreRules.Invalid($"Unknown quota algorithm {algorithm}."),
    };

    private static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < RedisQuotaConstants.MinTimeout ? RedisQuotaConstants.MinTimeout
        : timeout > RedisQuotaConstants.MaxTimeout ? RedisQuotaConstants.MaxTimeout
        : timeout;

    private static string ReadScript(string name)
    {
        using var stream = typeof(RedisQuotaStore).Assembly.GetManifestResourceStream("Quota." + name)
            ?? throw new InvalidOperationException($"The embedded script Quota.{name} is missing from {typeof(RedisQuotaStore).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // LuaScript maps the script's @names onto public members of the same name: RedisKey members become KEYS,
    // the others ARGV (the rates as round-trip strings, so the script reads back exactly the doubles sent).
#pragma warning disable IDE1006, CA1707 // The member names are the script's parameter names.
    private sealed class AcquireParameters
    {
        public RedisKey key { get; init; }

        public string client { get; init; } = string.Empty;

        public string wants { get; init; } = string.Empty;

        public string capacity { get; init; } = string.Empty;

        public string algorithm { get; init; } = string.Empty;

        public string lease_us { get; init; } = string.Empty;
    }

    private sealed class KeyParameters
    {
        public RedisKey key { get; init; }
    }
#pragma warning restore IDE1006, CA1707
}
