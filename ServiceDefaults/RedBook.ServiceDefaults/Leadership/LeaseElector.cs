using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// Leader election on a lease (etcd through <see cref="IElectionBackend"/>), as etcd's own <c>concurrency</c> package
/// does it. The loop: grant a lease and keep it alive (<see cref="LeaseSession"/>); campaign by creating
/// <see cref="Key"/> = instance id on the lease only if the key is absent; the winner leads with the key's create
/// revision as its term, the others watch the key and campaign again when it is deleted. The leader steps down the
/// moment its session is lost (renewals failing for most of a TTL, the lease gone) or its key is deleted or taken
/// over, and campaigns again. A lost session is replaced by a new lease. Resigning revokes the lease, which deletes
/// the key: a follower takes over at once instead of after a TTL.
/// </summary>
internal sealed class LeaseElector : LeaderElectionBase
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_revokeTimeout = TimeSpan.FromSeconds(2);
    private readonly IElectionBackend _backend;
    private readonly AtomicRandom _random;
    private readonly CancellationTokenSource _stopCampaigning = new();
    private LeaseSession? _session;

    public LeaseElector(
        string name,
        string service,
        string instanceId,
        IElectionBackend backend,
        IOptionsMonitor<LeaderElectionOptions> options,
        TimeProvider timeProvider,
        ILogger logger,
        IHostApplicationLifetime? lifetime,
        AtomicRandom? random = null)
        : base(name, instanceId, options, timeProvider, logger, lifetime)
    {
        _backend = backend;
        _random = random ?? new AtomicRandom();
        Key = LeaderElectionConstants.KeyOf(service, name);
    }

    /// <summary>The election key, <c>/redbook/leaders/{service}/{election}</c>.</summary>
    public string Key { get; }

    /// <summary>The lease of the current session (0 between sessions).</summary>
    internal long LeaseId => Volatile.Read(ref _session)?.LeaseId ?? 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopCampaigning.Token);
        var cancellationToken = linked.Token;
        try
        {
            await WaitForStartedAsync(cancellationToken).ConfigureAwait(false);
            var failures = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                LeaseSession session;
                try
                {
                    session = await LeaseSession.StartAsync(_backend, Options.EffectiveLeaseTtl, Time, Log, Name, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The election outlives any failure: it logs, backs off and campaigns again, and never stops the host.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    await BackOffAsync(++failures, ex, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                failures = 0;
                Exception? crashed = null;
                Volatile.Write(ref _session, session);
                try
                {
                    await CampaignAsync(session, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // As above: an unexpected failure ends this session (the leadership first), not the election.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    crashed = ex;
                }
                finally
                {
                    Volatile.Write(ref _session, null);
                    await session.DisposeAsync().ConfigureAwait(false);
                    if (!cancellationToken.IsCancellationRequested && !session.LeaseGone && !IsResigning)
                    {
                        // Given up on, but perhaps alive in etcd: free the key now rather than after the TTL.
                        _ = RevokeAsync(session.LeaseId);
                    }
                }

                if (crashed is not null)
                {
                    await BackOffAsync(++failures, crashed, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Resigned (the resign revokes the lease) or the host is stopping.
        }
    }

    protected override async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var session = Volatile.Read(ref _session);
        await _stopCampaigning.CancelAsync().ConfigureAwait(false);
        if (session is not null)
        {
            await RevokeAsync(session.LeaseId).ConfigureAwait(false);
        }
    }

    protected override void DisposeCore()
    {
        _stopCampaigning.Cancel();
        _stopCampaigning.Dispose();
    }

    /// <summary>Campaigns, leads and follows on one session until the session is lost or the election stops.</summary>
    private async Task CampaignAsync(LeaseSession session, CancellationToken cancellationToken)
    {
        using var onSession = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        var token = onSession.Token;
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (IsResigning)
                {
                    // Keep the session (and the key) until the resign has let the work stop and revokes the lease.
                    await TimerDuration.Delay(Timeout.InfiniteTimeSpan, Time, token).ConfigureAwait(false);
                }

                var holder = await _backend.CampaignAsync(Key, InstanceId, session.LeaseId, token).ConfigureAwait(false);
                failures = 0;
                if (holder is null)
                {
                    continue;
                }

                if (holder.LeaseId == session.LeaseId)
                {
                    if (TryAcquire(holder.CreateRevision) is { } leadership)
                    {
                        await LeadAsync(session, holder, leadership, token).ConfigureAwait(false);
                    }
                }
                else
                {
                    Log.Following(Name, holder.Value, holder.CreateRevision);
                    await _backend.WaitUntilReleasedAsync(Key, holder, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (RedBookException ex)
            {
                var delay = RetryDelay(++failures, session.Ttl);
                Log.CampaignFailed(Name, ex.Error.Message, delay);
                try
                {
                    await TimerDuration.Delay(delay, Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Leads until the key is released, the session is lost, or the election stops; then steps down.</summary>
    private async Task LeadAsync(LeaseSession session, ElectionHolder holder, LeaderTerm leadership, CancellationToken token)
    {
        // The session's deadline timer ends the leadership on the timer's own thread, not when this loop next wakes up.
        using var onLost = session.Lost.UnsafeRegister(static s =>
        {
            var (self, session, leadership) = ((LeaseElector, LeaseSession, LeaderTerm))s!;
            self.StepDown(leadership, session.LostReason);
        }, (this, session, leadership));
        using var whileLeading = CancellationTokenSource.CreateLinkedTokenSource(token, leadership.LostToken);
        var reason = "the election stopped";
        try
        {
            await _backend.WaitUntilReleasedAsync(Key, holder, whileLeading.Token).ConfigureAwait(false);
            reason = "the election key was deleted or attached to another lease";
        }
        catch (OperationCanceledException) when (whileLeading.IsCancellationRequested)
        {
            if (session.Lost.IsCancellationRequested)
            {
                reason = session.LostReason;
            }
        }
        catch (Exception ex)
        {
            reason = ex is RedBookException redBook ? redBook.Error.Message : ex.Message;
            throw;
        }
        finally
        {
            // Whatever ended the wait ends the leadership (a no-op when it had already ended).
            StepDown(leadership, reason);
        }
    }

    private async Task BackOffAsync(int failures, Exception error, CancellationToken cancellationToken)
    {
        var delay = RetryDelay(failures, Options.EffectiveLeaseTtl);
        Log.CampaignFailed(Name, error is RedBookException redBook ? redBook.Error.Message : error.Message, delay);
        await TimerDuration.Delay(delay, Time, cancellationToken).ConfigureAwait(false);
    }

    private async Task RevokeAsync(long leaseId)
    {
        using var timeout = TimerDuration.CancelAfter(s_revokeTimeout, Time);
        try
        {
            await _backend.RevokeLeaseAsync(leaseId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedBookException or OperationCanceledException)
        {
            Log.ReleaseFailed(Name, leaseId, ex.Message);
        }
    }

    /// <summary>200 ms doubling per failure, at most a third of the TTL, ±20 % jitter.</summary>
    private TimeSpan RetryDelay(int failures, TimeSpan ttl)
    {
        var raw = Math.Min((ttl / 3).Ticks, s_firstRetry.Ticks << Math.Min(failures - 1, 10));
        return TimeSpan.FromTicks((long)(raw * (0.8 + (0.4 * _random.NextDouble()))));
    }
}
