using System.Diagnostics;
using System.Diagnostics.Metrics;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace RedBook.Clients.MongoDB;

/// <summary>
/// Command durations from the driver's command monitoring events, as OpenTelemetry's database-client histogram
/// <c>db.client.operation.duration</c> (seconds; tags <c>db.system.name</c>, <c>db.operation.name</c>,
/// <c>db.namespace</c>, <c>error.type</c> on failures). The driver traces natively (3.7+) but has no metrics.
/// </summary>
internal static class MongoCommandMetrics
{
    /// <summary>The Meter's name.</summary>
    public const string MeterName = "RedBook.Clients.MongoDB";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>(
        "db.client.operation.duration", unit: "s", description: "Duration of MongoDB commands.");

    public static void Subscribe(ClusterBuilder cluster)
    {
        cluster.Subscribe<CommandSucceededEvent>(static e => Record(e.CommandName, e.DatabaseNamespace?.DatabaseName, e.Duration, errorType: null));
        cluster.Subscribe<CommandFailedEvent>(static e => Record(e.CommandName, e.DatabaseNamespace?.DatabaseName, e.Duration, e.Failure?.GetType().Name ?? "error"));
    }

    internal static void Record(string commandName, string? databaseName, TimeSpan duration, string? errorType)
    {
        if (!s_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "db.system.name", "mongodb" },
            { "db.operation.name", commandName },
        };
        if (databaseName is not null)
        {
            tags.Add("db.namespace", databaseName);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        s_duration.Record(duration.TotalSeconds, tags);
    }
}
