using RedBook.ServiceDefaults.Internal;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Lifecycle;
using RedBook.ServiceDefaults.Tests.Server;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Lifecycle;

public class GracefulShutdownServiceTests
{
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly ShutdownState _state = new();
    private readonly RecordingLogger _log = new();

    private GracefulShutdownService Create(ShutdownOptions options, params IShutdownParticipant[] participants) =>
        new(_state, participants, new StaticOptionsMonitor<ShutdownOptions>(options), _time, _log);

    [Fact]
    public async Task StoppingAsync_RunsParticipantsAfterRefusingWorkAndBeforeDraining()
    {
        _state.TryEnter();
        var participant = new Participant(_ => Task.CompletedTask) { State = _state };
        using var service = Create(new ShutdownOptions(), participant);

        var stopping = service.StoppingAsync(CancellationToken.None);

        Assert.True(participant.Called);
        Assert.True(participant.SawShuttingDown);
        Assert.Equal(1, participant.SawInFlight);
        Assert.False(stopping.IsCompleted);
        _state.Exit();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task StoppingAsync_DrainTimeout_GivesUpOnStuckRequests()
    {
        _state.TryEnter();
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromSeconds(10) });

        var stopping = service.StoppingAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _state.InFlight);
    }

    [Fact]
    public async Task StoppingAsync_ParticipantThrowsOrHangs_OthersStillRun()
    {
        var hanging = new Participant(token => Task.Delay(Timeout.InfiniteTimeSpan, _time, token));
        var throwing = new Participant(_ => throw new InvalidOperationException("registry down"));
        var last = new Participant(_ => Task.CompletedTask);
        using var service = Create(new ShutdownOptions { ParticipantTimeout = TimeSpan.FromSeconds(2) }, hanging, throwing, last);

        var stopping = service.StoppingAsync(CancellationToken.None);
        Assert.False(last.Called);
        _time.Advance(TimeSpan.FromSeconds(2));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(throwing.Called);
        Assert.True(last.Called);
    }

    [Fact]
    public void OnSignal_Second_ExitsAtOnce()
    {
        using var service = Create(new ShutdownOptions());
        var exits = new List<PosixSignal>();
        service.ExitAtOnce = exits.Add;

        service.OnSignal(PosixSignal.SIGTERM);
        Assert.Empty(exits);
        service.OnSignal(PosixSignal.SIGINT);

        Assert.Equal([PosixSignal.SIGINT], exits);
    }

    [Fact]
    public async Task OnSignal_SecondDuringDrain_AbandonsTheDrain()
    {
        _state.TryEnter();
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromMinutes(5) });
        service.ExitAtOnce = _ => { };
        service.OnSignal(PosixSignal.SIGTERM);
        var stopping = service.StoppingAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);

        service.OnSignal(PosixSignal.SIGTERM);

        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task OnSignal_SecondDuringDrain_LogsTheAbandonmentAndWhenNotTheDrainTimeout()
    {
        _state.TryEnter();
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromSeconds(10) });
        service.ExitAtOnce = _ => { };
        service.OnSignal(PosixSignal.SIGTERM);
        var stopping = service.StoppingAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        service.OnSignal(PosixSignal.SIGTERM);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("drain timeout", StringComparison.Ordinal));
        var abandoned = Assert.Single(_log.Entries, e => e.Message.Contains("abandoned", StringComparison.Ordinal));
        Assert.Contains("second stop signal", abandoned.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:01.5", abandoned.Message, StringComparison.Ordinal);
        Assert.Contains("1 requests still in flight", abandoned.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingAsync_HostGivesUpFirst_LogsTheHostsTimeoutNotTheDrainTimeout()
    {
        _state.TryEnter();
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromSeconds(10) });
        using var host = new CancellationTokenSource();
        var stopping = service.StoppingAsync(host.Token);
        _time.Advance(TimeSpan.FromSeconds(3));

        await host.CancelAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("drain timeout", StringComparison.Ordinal));
        var cut = Assert.Single(_log.Entries, e => e.Message.Contains("abandoned", StringComparison.Ordinal));
        Assert.Contains("host", cut.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:03", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingAsync_DrainTimeoutPasses_LogsTheDrainTimeout()
    {
        _state.TryEnter();
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromSeconds(10) });
        var stopping = service.StoppingAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(_log.Entries, e => e.Message.Contains("1 requests still in flight after the drain timeout 00:00:10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoppingAsync_TimeoutsLongerThanATimerHolds_WaitTheLongestATimerHolds()
    {
        // Options built in code skip validation; a timer still gets no more than it holds.
        _state.TryEnter();
        var hanging = new Participant(token => Task.Delay(Timeout.InfiniteTimeSpan, _time, token));
        using var service = Create(new ShutdownOptions { DrainTimeout = TimeSpan.FromDays(100), ParticipantTimeout = TimeSpan.FromDays(100) }, hanging);

        var stopping = service.StoppingAsync(CancellationToken.None);
        _time.Advance(TimerDuration.Max);                 // the participant's time is up
        Assert.True(hanging.Called);
        await _time.WhenActiveTimersAsync(1);                           // the drain's timer is armed
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimerDuration.Max - TimeSpan.FromMilliseconds(1));
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));                    // so is the drain's

        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _state.InFlight);
    }

    [Fact]
    public void OnSignal_SecondWithExitDisabled_DoesNothing()
    {
        using var service = Create(new ShutdownOptions { ExitOnSecondSignal = false });
        var exited = false;
        service.ExitAtOnce = _ => exited = true;

        service.OnSignal(PosixSignal.SIGTERM);
        service.OnSignal(PosixSignal.SIGTERM);

        Assert.False(exited);
    }

    private sealed class Participant(Func<CancellationToken, Task> action) : IShutdownParticipant
    {
        public ShutdownState? State { get; init; }

        public bool Called { get; private set; }

        public bool SawShuttingDown { get; private set; }

        public int SawInFlight { get; private set; }

        public Task OnShutdownStartingAsync(CancellationToken cancellationToken)
        {
            Called = true;
            SawShuttingDown = State?.IsShuttingDown ?? false;
            SawInFlight = State?.InFlight ?? -1;
            return action(cancellationToken);
        }
    }

    private sealed class RecordingLogger : ILogger<GracefulShutdownService>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
