using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RedBook.Feed.Core;
using RedBook.ServiceDefaults.Jobs;

namespace RedBook.Feed.Api.Jobs;

/// <summary>
/// The <c>processed-messages-purge</c> job: deletes the feed consumers' processed-message records older than
/// <see cref="ProcessedMessagesPurgeOptions.Retention"/>. A record guards against a redelivered message for as long as
/// it exists, so keep them longer than the topics' retention; the outbox's own sent rows are the
/// <c>outbox-purge</c> job's.
/// </summary>
public sealed partial class ProcessedMessagesPurgeJob(IFeedStore store, IOptionsMonitor<ProcessedMessagesPurgeOptions> options, TimeProvider timeProvider, ILogger<ProcessedMessagesPurgeJob> logger) : IRedBookJob
{
    /// <summary>The job's name (and configuration key under <c>RedBook:Jobs</c>).</summary>
    public const string Name = "processed-messages-purge";

    /// <inheritdoc />
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cutOff = timeProvider.GetUtcNow() - options.CurrentValue.EffectiveRetention;
        var purged = await store.PurgeProcessedMessagesAsync(cutOff, cancellationToken).ConfigureAwait(false);
        LogPurged(logger, purged, cutOff);
    }

    [LoggerMessage(1, LogLevel.Information, "Purged {Count} processed-message records older than {CutOff:O}.")]
    private static partial void LogPurged(ILogger logger, long count, DateTimeOffset cutOff);
}

/// <summary>
/// Settings of the <c>processed-messages-purge</c> job beyond its schedule, bound from
/// <c>RedBook:Jobs:processed-messages-purge</c>.
/// </summary>
public sealed class ProcessedMessagesPurgeOptions
{
    /// <summary>How long a processed-message record is kept. Keep it longer than the Kafka topics' retention (7 days by default).</summary>
    /// <value>14 days; 1 hour to 365 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    internal TimeSpan EffectiveRetention => Retention < TimeSpan.FromHours(1) ? TimeSpan.FromHours(1)
        : Retention > TimeSpan.FromDays(365) ? TimeSpan.FromDays(365)
        : Retention;
}
