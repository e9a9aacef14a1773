using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.ServiceDefaults.Jobs;

/// <summary>Runs every registered job (<see cref="JobRunner"/>), each on its own schedule and each under its election.</summary>
internal sealed class JobHost(
    IEnumerable<JobRegistration> jobs,
    IServiceProvider services,
    IOptionsMonitor<RedBookJobOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggerFactory.CreateLogger("RedBook.ServiceDefaults.Jobs");
        var runners = jobs
            .Select(job => new JobRunner(job, services.GetRequiredKeyedService<ILeaderElection>(job.Election), options, scopes, timeProvider, logger))
            .ToList();
        try
        {
            await Task.WhenAll(runners.Select(r => r.RunAsync(stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            foreach (var runner in runners)
            {
                runner.Dispose();
            }
        }
    }
}
