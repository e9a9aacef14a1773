using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// The election when no etcd is configured: this instance leads (term 1) from the moment the host has started until it
/// resigns at shutdown. There is nobody to coordinate with, so run one replica per data store in that setup (the
/// development default: one process, one SQLite file).
/// </summary>
internal sealed class SingleInstanceLeaderElection(
    string name,
    string instanceId,
    IOptionsMonitor<LeaderElectionOptions> options,
    TimeProvider timeProvider,
    ILogger logger,
    IHostApplicationLifetime? lifetime)
    : LeaderElectionBase(name, instanceId, options, timeProvider, logger, lifetime)
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (TryAcquire(term: 1) is not null)
        {
            Log.SingleInstance(Name);
        }
    }

    protected override Task ReleaseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
