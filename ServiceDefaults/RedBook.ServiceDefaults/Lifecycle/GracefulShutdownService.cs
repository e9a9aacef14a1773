using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Lifecycle;

/// <summary>
/// Graceful shutdown. When the host begins to stop (<see cref="IHostedLifecycleService.StoppingAsync"/>, before
/// the server stops): stop taking new work (readiness turns unhealthy, new requests get 503), run every
/// <see cref="IShutdownParticipant"/> (deregistration), then wait for in-flight requests to finish, up to
/// <see cref="ShutdownOptions.DrainTimeout"/>. A second SIGTERM or SIGINT ends the process at once.
/// </summary>
internal sealed class GracefulShutdownService : IHostedLifecycleService, IDisposable
{
    private readonly ShutdownState _state;
    private readonly IEnumerable<IShutdownParticipant> _participants;
    private readonly IOptionsMonitor<ShutdownOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GracefulShutdownService> _logger;
    private readonly CancellationTokenSource _abandon = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _signalCount;

    public GracefulShutdownService(
        ShutdownState state,
        IEnumerable<IShutdownParticipant> participants,
        IOptionsMonitor<ShutdownOptions> options,
        TimeProvider timeProvider,
        ILogger<GracefulShutdownService> logger)
    {
        _state = state;
        _participants = participants;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>What a second signal does; the process is killed so nothing can hold it up.</summary>
    internal Action<PosixSignal> ExitAtOnce { get; set; } = static _ => Process.GetCurrentProcess().Kill();

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsBrowser())
        {
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var began = _timeProvider.GetTimestamp();
        _state.BeginShutdown();
        ShutdownLog.Began(_logger, _state.InFlight);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandon.Token);
        foreach (var participant in _participants)
        {
            using var timeout = TimerDuration.CancelAfter(options.ParticipantTimeout, _timeProvider);
            using var participantToken = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, timeout.Token);
            try
            {
                await participant.OnShutdownStartingAsync(participantToken.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One failing participant must not stop the others or the drain.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                ShutdownLog.ParticipantFailed(_logger, exception, participant.GetType().Name);
            }
        }

        var drainTimeout = TimerDuration.Clamp(options.DrainTimeout);
        try
        {
            await _state.WhenDrained().WaitAsync(drainTimeout, _timeProvider, linked.Token).ConfigureAwait(false);
            ShutdownLog.Drained(_logger);
        }
        catch (TimeoutException)
        {
            ShutdownLog.DrainTimedOut(_logger, _state.InFlight, drainTimeout);
        }
        catch (OperationCanceledException)
        {
            // Cut short before the drain timeout: say by whom and when, not that the timeout passed.
            var after = _timeProvider.GetElapsedTime(began);
            if (_abandon.IsCancellationRequested)
            {
                ShutdownLog.DrainAbandonedBySignal(_logger, after, _state.InFlight);
            }
            else
            {
                ShutdownLog.DrainAbandonedByHost(_logger, after, _state.InFlight);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Counts stop signals; the second one ends the process at once.</summary>
    internal void OnSignal(PosixSignalContext context) => OnSignal(context.Signal);

    internal void OnSignal(PosixSignal signal)
    {
        if (Interlocked.Increment(ref _signalCount) < 2 || !_options.CurrentValue.ExitOnSecondSignal)
        {
            return;
        }

        ShutdownLog.SecondSignal(_logger, signal);
        _abandon.Cancel();
        ExitAtOnce(signal);
    }

    public void Dispose()
    {
        foreach (var registration in _signals)
        {
            registration.Dispose();
        }

        _abandon.Dispose();
    }
}
