using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// What both kinds of election share: the leader slot, campaigning only once the host has started (so a job never
/// runs before the store is initialized), and the graceful resign. A resign steps down first (every
/// <see cref="LeaderTerm.LostToken"/> fires), waits up to <see cref="LeaderElectionOptions.ResignTimeout"/> for the
/// work held under the leadership to stop, then releases the election (<see cref="ReleaseAsync"/>) so a successor
/// takes over at once. It runs as an <see cref="IShutdownParticipant"/> (before the server drains) and again,
/// idempotently, in <see cref="StopAsync"/>; afterwards the instance never leads again.
/// </summary>
internal abstract class LeaderElectionBase : BackgroundService, ILeaderElection, IShutdownParticipant
{
    private readonly IOptionsMonitor<LeaderElectionOptions> _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly Lock _gate = new();
    private Task? _resign;
    private bool _resigning;
    private int _disposed;

    protected LeaderElectionBase(string name, string instanceId, IOptionsMonitor<LeaderElectionOptions> options, TimeProvider timeProvider, ILogger logger, IHostApplicationLifetime? lifetime)
    {
        Name = name;
        InstanceId = instanceId;
        _options = options;
        _lifetime = lifetime;
        Time = timeProvider;
        Log = new LeadershipLog(logger);
        Slot = new LeadershipSlot(name, Log);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>This instance's id in the election.</summary>
    public string InstanceId { get; }

    /// <inheritdoc />
    public LeaderTerm? Current => Slot.Current;

    /// <summary>Whether a resign has begun (the instance will not lead again).</summary>
    public bool IsResigning
    {
        get
        {
            lock (_gate)
            {
                return _resigning;
            }
        }
    }

    protected LeadershipSlot Slot { get; }

    protected LeadershipLog Log { get; }

    protected TimeProvider Time { get; }

    protected LeaderElectionOptions Options => _options.Get(Name);

    /// <inheritdoc />
    public Task<LeaderTerm> WaitForLeadershipAsync(CancellationToken cancellationToken) => Slot.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task OnShutdownStartingAsync(CancellationToken cancellationToken) => ResignAsync(cancellationToken);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await ResignAsync(cancellationToken).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps down, lets the held work stop, and releases the election. Safe to call more than once.</summary>
    public Task ResignAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _resign ??= ResignCoreAsync(cancellationToken);
            return _resign.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        // One instance is handed out as the election, a hosted service and a shutdown participant: DI disposes it thrice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Slot.Unregister();
        DisposeCore();
        base.Dispose();
    }

    /// <summary>Becomes the leader for <paramref name="term"/>, unless a resign has begun (then null).</summary>
    protected LeaderTerm? TryAcquire(long term)
    {
        lock (_gate)
        {
            return _resigning ? null : Slot.Acquire(InstanceId, term, Time.GetUtcNow());
        }
    }

    /// <summary>Ends <paramref name="leadership"/> involuntarily (idempotent).</summary>
    protected void StepDown(LeaderTerm leadership, string reason) => Slot.StepDown(leadership, reason, resigned: false, Time.GetUtcNow());

    /// <summary>Gives the election up for good after the leadership (if any) ended and its work stopped; bounds its own wait.</summary>
    protected abstract Task ReleaseAsync(CancellationToken cancellationToken);

    /// <summary>Releases what the subclass owns.</summary>
    protected virtual void DisposeCore()
    {
    }

    /// <summary>Completes once the host has started (at once without a host lifetime).</summary>
    protected async Task WaitForStartedAsync(CancellationToken cancellationToken)
    {
        if (_lifetime is null || _lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _lifetime.ApplicationStarted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), started);
        await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ResignCoreAsync(CancellationToken cancellationToken)
    {
        LeaderTerm? leadership;
        lock (_gate)
        {
            _resigning = true;
            leadership = Slot.Current;
        }

        if (leadership is not null)
        {
            Slot.StepDown(leadership, "resigned", resigned: true, Time.GetUtcNow());
            var timeout = TimerDuration.Clamp(Options.EffectiveResignTimeout);
            try
            {
                await leadership.WhenReleasedAsync().WaitAsync(timeout, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.ResignWaitTimedOut(Name, timeout);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown is out of time: release now rather than not at all.
            }
        }

        // Not the caller's token: a shutdown that ran out of time while the work stopped must still release the key.
        await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
