using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Etcd.Configuration;

namespace RedBook.ServiceDefaults.Tests.Etcd.Configuration;

public sealed class DeferredLoggerTests
{
    [Fact]
    public void Attach_EntriesLoggedBefore_AreReplayedInOrderThenForwarded()
    {
        var deferred = new DeferredLogger();
        deferred.LogWarning("first");
        deferred.LogInformation("second");
        var target = new ListLogger();

        deferred.Attach(target);
        deferred.LogError("third");

        Assert.Equal([(LogLevel.Warning, "first"), (LogLevel.Information, "second"), (LogLevel.Error, "third")], target.Entries);
    }

    [Fact]
    public void Log_BeyondCapacityBeforeAttach_CountsTheDroppedEntries()
    {
        var deferred = new DeferredLogger();
        for (var i = 0; i < DeferredLogger.Capacity + 3; i++)
        {
            deferred.LogWarning("entry {I}", i);
        }

        var target = new ListLogger();
        deferred.Attach(target);

        Assert.Equal(DeferredLogger.Capacity, target.Entries.Count);
        Assert.Equal(3, deferred.Dropped);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel, string)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
