using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Core.Degrade;

/// <summary>
/// One degradable part of a screen (a timeline page, a note, a catalogue page), in two levels: this replica's
/// <see cref="DegradeCache{TKey, TValue}"/> (<c>RedBook:Degrade:{name}</c>: fresh and stale TTLs, its own
/// <c>ForceDegrade</c>) and the shared <see cref="IStaleCopyStore"/>. A call runs under <see cref="PartRunner"/>'s budget;
/// while the BFF's switch for the dependency is on it is not made at all. When the call fails, or is switched off, the
/// part is served from this replica's copy, else from the shared copy, else not at all (<see cref="PartSource.None"/>:
/// the screen uses its default), and is marked degraded. Errors that are the answer (<see cref="PartRunner.IsDefinitive"/>:
/// NOT_FOUND, INVALID_ARGUMENT, ...) are thrown, never hidden behind a copy.
/// </summary>
/// <typeparam name="T">The part's value: an immutable response model, shared by every caller.</typeparam>
public sealed partial class PartCache<T>
    where T : class
{
    private readonly DegradeCache<string, T> _cache;
    private readonly IStaleCopyStore _copies;
    private readonly PartRunner _runner;
    private readonly IOptionsMonitor<DegradeOptions> _degradeOptions;
    private readonly ILogger _logger;

    /// <summary>Creates the part.</summary>
    /// <param name="dependency">The service the part comes from (its degrade switch applies).</param>
    /// <param name="cache">This replica's cache; its name names the part's copies and its options.</param>
    /// <param name="copies">The shared copies.</param>
    /// <param name="runner">The budget and the switch.</param>
    /// <param name="degradeOptions">The caches' options (the stale TTL is also the shared copies' lifetime).</param>
    /// <param name="logger">Logs degraded answers.</param>
    public PartCache(BffDependency dependency, DegradeCache<string, T> cache, IStaleCopyStore copies, PartRunner runner, IOptionsMonitor<DegradeOptions> degradeOptions, ILogger<PartCache<T>> logger)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(degradeOptions);
        ArgumentNullException.ThrowIfNull(logger);
        Dependency = dependency;
        _cache = cache;
        _copies = copies;
        _runner = runner;
        _degradeOptions = degradeOptions;
        _logger = logger;
    }

    /// <summary>The cache's name (<c>bff-timeline</c>, ...).</summary>
    public string Name => _cache.Name;

    /// <summary>The service the part comes from.</summary>
    public BffDependency Dependency { get; }

    /// <summary>Answers <paramref name="key"/> by calling <paramref name="call"/>, degrading as described on the type.</summary>
    /// <exception cref="RedBookException">The dependency's answer is a definitive error (NOT_FOUND, INVALID_ARGUMENT, ...).</exception>
    public async Task<PartResult<T>> GetAsync(string key, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(call);
        DegradeResult<T> result;
        try
        {
            result = _runner.IsForced(Dependency)
                ? await _cache.GetOrCallAsync(key, static (_, self, _) => ValueTask.FromException<T>(self.Switched()), this, cancellationToken).ConfigureAwait(false)
                : await _cache.GetOrCallAsync(key, static (_, state, ct) => new ValueTask<T>(state.Runner.RunAsync(state.Call, ct)), (Runner: _runner, Call: call), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (!PartRunner.IsDefinitive(ex))
        {
            // Nothing of this replica's: the shared copy, else nothing.
            var copy = await _copies.GetAsync<T>(Name, key, cancellationToken).ConfigureAwait(false);
            LogDegraded(_logger, Name, key, copy is null ? PartSource.None : PartSource.Copy, ex.Message);
            return new PartResult<T>(copy, copy is null ? PartSource.None : PartSource.Copy, ex);
        }

        if (result.IsDegraded && PartRunner.IsDefinitive(result.Error))
        {
            ExceptionDispatchInfo.Throw(result.Error!);
        }

        switch (result.Source)
        {
            case DegradeSource.Called:
                _copies.Save(Name, key, result.Value, _degradeOptions.Get(Name).StaleTtl);
                return new PartResult<T>(result.Value, PartSource.Called, null);
            case DegradeSource.Fresh:
                return new PartResult<T>(result.Value, PartSource.Fresh, null);
            default:
                LogDegraded(_logger, Name, key, PartSource.Stale, result.Error?.Message ?? "forced");
                return new PartResult<T>(result.Value, PartSource.Stale, result.Error);
        }
    }

    private RedBookException Switched() => new(new RedBookError(
        ErrorCode.Unavailable,
        BffErrorReasons.Degraded,
        $"The degrade switch of {Dependency} is on (RedBook:Bff:Degrade)."));

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Degraded part {Cache} for key {Key}: served {Source} ({Reason}).")]
    private static partial void LogDegraded(ILogger logger, string cache, string key, PartSource source, string reason);
}
