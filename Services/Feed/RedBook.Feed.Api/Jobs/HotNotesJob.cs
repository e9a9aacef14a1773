using RedBook.ServiceDefaults.Jobs;
using CoreFeedService = RedBook.Feed.Core.FeedService;

namespace RedBook.Feed.Api.Jobs;

/// <summary>
/// The <c>hot-notes</c> job: recomputes the hot-notes ranking that the home screen's popular fallback serves
/// (<c>ListHotNotes</c>), stores the snapshot and drops the cached one.
/// </summary>
public sealed partial class HotNotesJob(CoreFeedService feed, ILogger<HotNotesJob> logger) : IRedBookJob
{
    /// <summary>The job's name (and configuration key under <c>RedBook:Jobs</c>).</summary>
    public const string Name = "hot-notes";

    /// <inheritdoc />
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshot = await feed.RecomputeHotNotesAsync(cancellationToken).ConfigureAwait(false);
        LogRanked(logger, snapshot.Entries.Count, snapshot.ComputedAt);
    }

    [LoggerMessage(1, LogLevel.Information, "Hot notes recomputed: {Count} notes ranked at {ComputedAt:O}.")]
    private static partial void LogRanked(ILogger logger, int count, DateTimeOffset computedAt);
}
