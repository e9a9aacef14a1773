using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Tests.Bbr;

/// <summary>An IOptionsMonitor whose value a test replaces, notifying listeners as configuration reload would.</summary>
public sealed class TestOptionsMonitor<T>(T initial) : IOptionsMonitor<T>
{
    private readonly List<Action<T, string?>> _listeners = [];
    private readonly Dictionary<string, T> _named = new() { [Options.DefaultName] = initial };

    public T CurrentValue => _named[Options.DefaultName];

    public T Get(string? name) => _named.TryGetValue(name ?? Options.DefaultName, out var v) ? v : _named[Options.DefaultName];

    public void Set(T value, string? name = null)
    {
        _named[name ?? Options.DefaultName] = value;
        foreach (var listener in _listeners.ToArray())
        {
            listener(value, name ?? Options.DefaultName);
        }
    }

    public IDisposable? OnChange(Action<T, string?> listener)
    {
        _listeners.Add(listener);
        return new Subscription(() => _listeners.Remove(listener));
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
