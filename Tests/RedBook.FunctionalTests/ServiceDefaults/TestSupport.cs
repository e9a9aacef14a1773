using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using RedBook.ServiceDefaults.Internal.Cpu;

namespace RedBook.FunctionalTests.ServiceDefaults;

/// <summary>Collects log entries with their structured state.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> State);

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values[pair.Key] = pair.Value;
                }
            }

            owner.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values));
        }
    }
}

/// <summary>
/// Collects finished activities. The SDK's in-memory exporter writes into a plain <c>ICollection</c>; spans end on
/// server threads while a test polls, so this one keeps them in a concurrent queue.
/// </summary>
internal sealed class ActivityCollector : BaseExporter<Activity>
{
    public ConcurrentQueue<Activity> Activities { get; } = new();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            Activities.Enqueue(activity);
        }

        return ExportResult.Success;
    }
}

/// <summary>The points of the in-memory exporter's metric snapshots, as plain records.</summary>
internal static class MetricPoints
{
    public static Point[] Of(IEnumerable<MetricSnapshot> snapshots)
    {
        var points = new List<Point>();
        foreach (var metric in snapshots)
        {
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                double value = metric.MetricType switch
                {
                    MetricType.LongSum => point.GetSumLong(),
                    MetricType.Histogram => point.GetHistogramCount(),
                    _ => 0,
                };
                var bounds = new List<double>();
                if (metric.MetricType == MetricType.Histogram)
                {
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        bounds.Add(bucket.ExplicitBound);
                    }
                }

                points.Add(new Point(metric.Name, tags, value, bounds));
            }
        }

        return [.. points];
    }

    internal sealed record Point(string Name, IReadOnlyDictionary<string, object?> Tags, double Value, IReadOnlyList<double> Bounds);
}

/// <summary>A CPU source the test sets.</summary>
internal sealed class FakeCpu(int usage) : ICpuUsageSource
{
    public int Usage { get; set; } = usage;
}

internal static class Net
{
    /// <summary>A port that was free a moment ago (the management port must be known before Kestrel binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds or 30 s pass (no fixed sleeps in assertions).</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var timeout = TimeSpan.FromSeconds(30);
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, CancellationToken.None);
        }
    }
}
