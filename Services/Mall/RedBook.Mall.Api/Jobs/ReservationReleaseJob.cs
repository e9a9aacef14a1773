using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Jobs;
using CoreMallService = RedBook.Mall.Core.MallService;

namespace RedBook.Mall.Api.Jobs;

/// <summary>
/// The <c>reservations</c> job: cancels the placed orders whose stock reservation expired and returns their stock
/// (each with its <c>order.cancelled</c> and <c>stock.changed</c> events), in batches of
/// <see cref="ReservationReleaseOptions.BatchSize"/> until a batch comes back short or the run is cancelled. An order
/// paid or cancelled meanwhile is skipped, so a run that overlaps another releases nothing twice.
/// </summary>
public sealed partial class ReservationReleaseJob(CoreMallService mall, IOptionsMonitor<ReservationReleaseOptions> options, TimeProvider timeProvider, ILogger<ReservationReleaseJob> logger) : IRedBookJob
{
    /// <summary>The job's name (and configuration key under <c>RedBook:Jobs</c>).</summary>
    public const string Name = "reservations";

    /// <inheritdoc />
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batchSize = options.CurrentValue.EffectiveBatchSize;
        var now = timeProvider.GetUtcNow();
        var total = 0;
        int released;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            released = await mall.ReleaseExpiredReservationsAsync(now, batchSize, cancellationToken).ConfigureAwait(false);
            total += released;
        }
        while (released == batchSize);

        LogReleased(logger, total, now);
    }

    [LoggerMessage(1, LogLevel.Information, "Released {Count} expired reservations (expired at or before {Now:O}).")]
    private static partial void LogReleased(ILogger logger, int count, DateTimeOffset now);
}

/// <summary>Settings of the <c>reservations</c> job beyond its schedule, bound from <c>RedBook:Jobs:reservations</c>.</summary>
public sealed class ReservationReleaseOptions
{
    /// <summary>How many expired orders one store query returns; a run repeats it while batches come back full.</summary>
    /// <value>100; 1 to 1000.</value>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    internal int EffectiveBatchSize => Math.Clamp(BatchSize, 1, 1000);
}
