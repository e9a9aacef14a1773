using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Internal;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;
using RedBook.ServiceDefaults.Tests.Bbr;
using RedBook.ServiceDefaults.Tests.Testing;

namespace RedBook.ServiceDefaults.Tests.Jobs;

/// <summary>
/// The job runner on a fake clock with an election the test controls: runs only while leading, on a jittered
/// schedule, one at a time, each cancelled by its timeout, by loss of the leadership or by stop, and isolated from
/// the job's failures.
/// </summary>
public sealed class JobRunnerTests : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ManualLeaderElection _election;
    private readonly RecordingJob _job;
    private readonly ServiceProvider _services;
    private readonly TestOptionsMonitor<RedBookJobOptions> _options = new(new RedBookJobOptions { Interval = s_interval, Jitter = 0.1, Timeout = TimeSpan.FromSeconds(5) });
    private readonly Channel<JobRunResult> _ended = Channel.CreateUnbounded<JobRunResult>();
    private readonly CancellationTokenSource _stop = new();
    private JobRunner? _runner;
    private Task? _running;

    public JobRunnerTests()
    {
        _election = new ManualLeaderElection("jobs", "test", _time);
        _job = new RecordingJob(_time);
        _services = new ServiceCollection().AddSingleton(_job).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(s_wait);
        }

        _runner?.Dispose();
        _stop.Dispose();
        await _services.DisposeAsync();
    }

    private JobRunner Start()
    {
        var registration = new JobRegistration("hot-notes", "jobs", static sp => sp.GetRequiredService<RecordingJob>());
        _runner = new JobRunner(registration, _election, _options, _services.GetRequiredService<IServiceScopeFactory>(), _time, NullLogger.Instance, new AtomicRandom(11))
        {
            RunEnded = r => _ended.Writer.TryWrite(r),
        };
        _running = _runner.RunAsync(_stop.Token);
        return _runner;
    }

    /// <summary>Ends the term from a context-free thread, so what the token's callbacks wake runs inline.</summary>
    private void Lose() => WithoutSyncContext.Run(() => _election.StepDown("test"));

    private Task<JobRunResult> NextEndedAsync() => _ended.Reader.ReadAsync().AsTask().WaitAsync(s_wait);

    /// <summary>Waits until the runner has armed its timer for a leadership (it follows the election asynchronously).</summary>
    private Task UntilLeadingAsync() => UntilAsync(() => _runner!.IsLeading, "the runner follows the leadership");

    /// <summary>Waits (without advancing the fake clock) until the runner's asynchronous part has caught up.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Yield();
        }
    }

    private void Advance(TimeSpan total, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            WithoutSyncContext.Run(() => _time.Advance(step));
        }
    }

    [Fact]
    public async Task RunAsync_WhileLeading_RunsOnAJitteredScheduleOneAtATime()
    {
        _election.Lead(term: 3);
        Start();
        await UntilLeadingAsync();

        Advance(TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(100));

        var acquiredAt = _election.Current!.AcquiredAt;
        var starts = _job.Starts.Select(s => s.At - acquiredAt).ToList();
        Assert.InRange(starts[0], TimeSpan.Zero, (s_interval * 0.1) + TimeSpan.FromMilliseconds(100));   // within Jitter × Interval (+ a step)
        for (var i = 1; i < starts.Count; i++)
        {
            Assert.InRange(starts[i] - starts[i - 1], s_interval * 0.9, (s_interval * 1.1) + TimeSpan.FromMilliseconds(100));
        }

        Assert.InRange(starts.Count, 55, 66);
        Assert.True(starts.Distinct().Count() > 1 && starts.Zip(starts.Skip(1), (a, b) => b - a).Distinct().Count() > 10, "the gaps are jittered");
        Assert.All(_job.Starts, s => Assert.Equal(3, s.Context.Term));
        Assert.Equal(starts.Count, _job.Starts.Select(s => s.Context.RunId).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_NotLeading_NeverRuns()
    {
        Start();

        Advance(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        await Task.Yield();

        Assert.Empty(_job.Starts);
        Assert.False(_runner!.IsLeading);
    }

    [Fact]
    public async Task RunAsync_LeadershipLost_CancelsTheRunningJobAndStopsScheduling()
    {
        _job.Hang = true;
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        var run = Assert.Single(_job.Starts);

        Lose();

        var ended = await NextEndedAsync();
        Assert.Equal((JobOutcome.LostLeadership, run.Context.RunId), (ended.Outcome, ended.RunId));
        Advance(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        Assert.Single(_job.Starts);
    }

    [Fact]
    public async Task RunAsync_LeadershipLostWhileAJobRuns_HoldsTheLeadershipUntilTheJobStops()
    {
        _job.IgnoreCancellation = true;
        var term = _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        Assert.Single(_job.Starts);

        Lose();
        var released = term.WhenReleasedAsync();
        Assert.False(released.IsCompleted);                              // a resign would wait for this run

        _job.Finish();
        await released.WaitAsync(s_wait);
        Assert.Equal(JobOutcome.Succeeded, (await NextEndedAsync()).Outcome);
    }

    [Fact]
    public async Task RunAsync_NewLeadership_RunsAgainWithTheNewTerm()
    {
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        Lose();
        await UntilAsync(() => !_runner!.IsLeading, "the runner stands down");

        _election.Lead(term: 9);
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));

        Assert.Equal([1L, 9L], _job.Starts.Select(s => s.Context.Term));
    }

    [Fact]
    public async Task RunAsync_RunExceedsItsTimeout_IsCancelledAndTheScheduleGoesOn()
    {
        _job.Hang = true;
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        Assert.Single(_job.Starts);

        Advance(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        var ended = await NextEndedAsync();
        Assert.Equal(JobOutcome.TimedOut, ended.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(5), ended.Duration);

        Advance(TimeSpan.FromSeconds(11), TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, _job.Starts.Count);
    }

    [Fact]
    public async Task RunAsync_JobThrows_TheFailureIsIsolatedAndTheNextRunHappens()
    {
        _job.Throw = true;
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();

        Advance(TimeSpan.FromSeconds(25), TimeSpan.FromMilliseconds(100));

        var first = await NextEndedAsync();
        Assert.Equal(JobOutcome.Failed, first.Outcome);
        Assert.IsType<InvalidOperationException>(first.Error);
        Assert.Equal(JobOutcome.Failed, (await NextEndedAsync()).Outcome);
        Assert.Equal(3, _job.Starts.Count);
    }

    [Fact]
    public async Task RunAsync_Disabled_SkipsRunsUntilEnabledAgain()
    {
        _options.Set(new RedBookJobOptions { Interval = s_interval, Jitter = 0, Enabled = false });
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();

        Advance(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        Assert.Empty(_job.Starts);

        _options.Set(new RedBookJobOptions { Interval = s_interval, Jitter = 0, Enabled = true });
        Advance(s_interval, TimeSpan.FromSeconds(1));
        Assert.Single(_job.Starts);
    }

    [Fact]
    public async Task RunAsync_Stopped_CancelsTheRunAndCompletes()
    {
        _job.Hang = true;
        _election.Lead(term: 1);
        Start();
        await UntilLeadingAsync();
        Advance(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));

        await _stop.CancelAsync();

        await _running!.WaitAsync(s_wait);
        Assert.Equal(JobOutcome.Stopped, (await NextEndedAsync()).Outcome);
    }

    /// <summary>A job that records its runs; it can throw, hang until cancelled, or ignore cancellation until finished.</summary>
    private sealed class RecordingJob(TimeProvider time) : IRedBookJob
    {
        private readonly Lock _gate = new();
        private readonly List<(DateTimeOffset At, JobContext Context)> _starts = [];
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Throw { get; set; }

        public bool Hang { get; set; }

        public bool IgnoreCancellation { get; set; }

        public List<(DateTimeOffset At, JobContext Context)> Starts
        {
            get
            {
                lock (_gate)
                {
                    return [.. _starts];
                }
            }
        }

        public void Finish() => _finish.TrySetResult();

        public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _starts.Add((time.GetUtcNow(), context));
            }

            if (Throw)
            {
                throw new InvalidOperationException("the job failed");
            }

            if (Hang)
            {
                // Not Task.Delay: its continuations always run on the thread pool, this one runs inside the fake clock's Advance.
                var never = new TaskCompletionSource();
                using var registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), never);
                await never.Task.ConfigureAwait(false);
            }

            if (IgnoreCancellation)
            {
                await _finish.Task.ConfigureAwait(false);
            }
        }
    }
}
