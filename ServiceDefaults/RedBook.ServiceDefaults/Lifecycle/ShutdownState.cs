namespace RedBook.ServiceDefaults.Lifecycle;

/// <summary>
/// Whether the instance is still taking work, and how many admitted requests are in flight. The shutdown gate
/// counts requests here; <see cref="GracefulShutdownService"/> flips <see cref="IsShuttingDown"/> and waits for
/// the count to reach zero.
/// </summary>
public sealed class ShutdownState
{
    private readonly object _gate = new();
    private int _inFlight;
    private volatile bool _shuttingDown;
    private TaskCompletionSource? _drained;

    /// <summary>True from the moment graceful shutdown begins: readiness is unhealthy and new requests get 503.</summary>
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>The admitted requests still running.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request in; false (and not counted) once shutdown has begun.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (!_shuttingDown)
        {
            return true;
        }

        Exit();
        return false;
    }

    /// <summary>Counts a request out.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _shuttingDown)
        {
            lock (_gate)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Stops taking new work. Idempotent.</summary>
    public void BeginShutdown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Volatile.Read(ref _inFlight) == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Completes when no admitted request is left after <see cref="BeginShutdown"/>.</summary>
    public Task WhenDrained()
    {
        lock (_gate)
        {
            return _drained?.Task ?? throw new InvalidOperationException("Shutdown has not begun.");
        }
    }
}
