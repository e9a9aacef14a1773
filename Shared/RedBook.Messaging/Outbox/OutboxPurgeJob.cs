using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Jobs;

namespace RedBook.Messaging.Outbox;

/// <summary>
/// The <c>outbox-purge</c> job: deletes the outbox messages sent more than <see cref="OutboxPurgeOptions.SentRetention"/>
/// ago. Unsent messages are never touched. Register it with <c>AddRedBookOutboxPurgeJob()</c>.
/// </summary>
public sealed partial class OutboxPurgeJob(IOutboxStore store, IOptionsMonitor<OutboxPurgeOptions> options, TimeProvider timeProvider, ILogger<OutboxPurgeJob> logger) : IRedBookJob
{
    /// <summary>The job's name (and configuration key under <c>RedBook:Jobs</c>).</summary>
    public const string Name = "outbox-purge";

    /// <inheritdoc />
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cutOff = timeProvider.GetUtcNow() - options.CurrentValue.EffectiveSentRetention;
        var purged = await store.PurgeSentAsync(cutOff, cancellationToken).ConfigureAwait(false);
        LogPurged(logger, purged, cutOff);
    }

    [LoggerMessage(1, LogLevel.Information, "Purged {Count} outbox messages sent before {CutOff:O}.")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutOff);
}
