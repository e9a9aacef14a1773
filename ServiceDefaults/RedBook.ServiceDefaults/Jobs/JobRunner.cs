using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.ServiceDefaults.Jobs;

/// <summary>
/// Runs one job while this instance leads the job's election. On becoming leader it arms a
/// <see cref="TimeProvider"/> timer for the first run; each run re-arms it for <c>Interval × (1 ± Jitter)</c> after
/// the run ended, so runs never overlap. A run gets a token that fires on its timeout, on loss of the leadership and
/// on host stop, holds the leadership (<see cref="LeaderTerm.TryHold"/>) so a graceful resign waits for
/// it, and is isolated: whatever it throws is logged and counted, and the schedule goes on. When the leadership ends
/// the timer is disarmed and the runner waits for the run in progress before it waits for the next leadership.
/// </summary>
internal sealed class JobRunner : IDisposable
{
    private static readonly TimeSpan s_minDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan s_maxFirstDelay = TimeSpan.FromSeconds(30);
    private readonly JobRegistration _job;
    private readonly ILeaderElection _election;
    private readonly IOptionsMonitor<RedBookJobOptions> _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AtomicRandom _random;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private LeaderTerm? _leadership;
    private TaskCompletionSource? _running;
    private CancellationToken _stopping;

    public JobRunner(JobRegistration job, ILeaderElection election, IOptionsMonitor<RedBookJobOptions> options, IServiceScopeFactory scopes, TimeProvider timeProvider, ILogger logger, AtomicRandom? random = null)
    {
        _job = job;
        _election = election;
        _options = options;
        _scopes = scopes;
        _time = timeProvider;
        _logger = logger;
        _random = random ?? new AtomicRandom();
        _timer = timeProvider.CreateTimer(static s => ((JobRunner)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Name => _job.Name;

    /// <summary>Whether the runner is following a leadership (its timer armed or a run in progress).</summary>
    internal bool IsLeading
    {
        get
        {
            lock (_gate)
            {
                return _leadership is not null;
            }
        }
    }

    /// <summary>Called after every run, once the next one is scheduled (tests wait on it).</summary>
    internal Action<JobRunResult>? RunEnded { get; set; }

    /// <summary>Follows the election until <paramref name="stoppingToken"/> fires, then waits for the run in progress.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var leadership = await _election.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _leadership = leadership;
                    _timer.Change(FirstDelay(_options.Get(Name)), Timeout.InfiniteTimeSpan);
                }

                using var either = CancellationTokenSource.CreateLinkedTokenSource(leadership.LostToken, stoppingToken);
                try
                {
                    await TimerDuration.Delay(Timeout.InfiniteTimeSpan, _time, either.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Lost the leadership, or stopping.
                }

                await StandDownAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while not leading.
        }
        finally
        {
            await StandDownAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _timer.Dispose();

    private async Task StandDownAsync()
    {
        Task? running;
        lock (_gate)
        {
            _leadership = null;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            running = _running?.Task;
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }
    }

    private void OnTimer()
    {
        LeaderTerm leadership;
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_leadership is not { IsLost: false } current || _running is not null)
            {
                return;
            }

            leadership = current;
            done = _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = RunOnceAsync(leadership, done);
    }

    private async Task RunOnceAsync(LeaderTerm leadership, TaskCompletionSource done)
    {
        var options = _options.Get(Name);
        JobRunResult? result = null;
        try
        {
            if (!options.Enabled)
            {
                JobTelemetry.LogDisabled(_logger, Name);
                return;
            }

            result = await RunJobAsync(leadership, options).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
                if (ReferenceEquals(_leadership, leadership) && !leadership.IsLost)
                {
                    _timer.Change(NextDelay(options), Timeout.InfiniteTimeSpan);
                }
            }

            done.TrySetResult();
            if (result is { } ended)
            {
                RunEnded?.Invoke(ended);
            }
        }
    }

    private async Task<JobRunResult?> RunJobAsync(LeaderTerm leadership, RedBookJobOptions options)
    {
        using var hold = leadership.TryHold();
        if (hold is null)
        {
            return null;
        }

        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var runId = Guid.CreateVersion7(startedAt).ToString("N");
        using var timeout = TimerDuration.CancelAfter(options.EffectiveTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(leadership.LostToken, _stopping, timeout.Token);
        using var activity = JobTelemetry.StartRun(Name, runId, leadership.Term);
        var outcome = JobOutcome.Succeeded;
        Exception? error = null;
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var job = _job.Create(scope.ServiceProvider);
                var context = new JobContext { Name = Name, RunId = runId, Term = leadership.Term, StartedAt = startedAt };
                await job.RunAsync(context, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            outcome = _stopping.IsCancellationRequested ? JobOutcome.Stopped
                : leadership.IsLost ? JobOutcome.LostLeadership
                : JobOutcome.TimedOut;
        }
#pragma warning disable CA1031 // A job's failure is isolated: logged, counted, and the schedule goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = JobOutcome.Failed;
            error = ex;
        }

        var result = new JobRunResult(Name, runId, leadership.Term, outcome, _time.GetElapsedTime(started), error);
        JobTelemetry.Ended(_logger, activity, result);
        return result;
    }

    /// <summary>A random part of Jitter × Interval, at most 30 s: replicas that lead in turn don't all run at once.</summary>
    private TimeSpan FirstDelay(RedBookJobOptions options)
    {
        var spread = Math.Min((options.EffectiveInterval * options.EffectiveJitter).Ticks, s_maxFirstDelay.Ticks);
        return AtLeastMin(TimeSpan.FromTicks((long)(spread * _random.NextDouble())));
    }

    /// <summary>Interval × (1 ± Jitter), uniformly.</summary>
    private TimeSpan NextDelay(RedBookJobOptions options)
    {
        var factor = 1 + (options.EffectiveJitter * ((2 * _random.NextDouble()) - 1));
        return AtLeastMin(TimeSpan.FromTicks((long)(options.EffectiveInterval.Ticks * factor)));
    }

    // Never zero: a zero due time fires the callback inside Change (a fake clock does so under the caller's lock).
    private static TimeSpan AtLeastMin(TimeSpan delay) => TimerDuration.Clamp(delay < s_minDelay ? s_minDelay : delay);
}
