using Microsoft.Extensions.Options;

namespace RedBook.Application.Tests.Support;

/// <summary>Options that never change, for constructing the services by hand.</summary>
public sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
