using Microsoft.Extensions.Logging;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>
/// A logger for code that runs before the host's logging exists (configuration providers are built first). It
/// keeps the first <see cref="Capacity"/> entries and replays them when the real logger is attached.
/// </summary>
internal sealed class DeferredLogger : ILogger
{
    public const int Capacity = 256;

    private readonly Lock _gate = new();
    private readonly Queue<Action<ILogger>> _pending = new();
    private ILogger? _target;

    /// <summary>Entries logged before attachment that did not fit.</summary>
    public int Dropped { get; private set; }

    /// <summary>Routes every entry, buffered and future, to <paramref name="target"/>.</summary>
    public void Attach(ILogger target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            while (_pending.TryDequeue(out var entry))
            {
                entry(target);
            }

            _target = target;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _target?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _target?.IsEnabled(logLevel) ?? logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (_target is { } target)
        {
            target.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        lock (_gate)
        {
            if (_target is { } attached)
            {
                attached.Log(logLevel, eventId, state, exception, formatter);
            }
            else if (_pending.Count < Capacity)
            {
                _pending.Enqueue(t => t.Log(logLevel, eventId, state, exception, formatter));
            }
            else
            {
                Dropped++;
            }
        }
    }
}
