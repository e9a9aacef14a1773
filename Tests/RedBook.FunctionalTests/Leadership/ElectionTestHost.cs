using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.FunctionalTests.Leadership;

/// <summary>
/// One in-process replica: a generic host wired as a service wires it (<c>AddRedBookEtcd()</c>, then
/// <c>AddRedBookJob&lt;BeatJob&gt;("beat", 200 ms)</c> under the default election), recording its terms and runs.
/// </summary>
internal sealed class ElectionTestHost : IAsyncDisposable
{
    private readonly List<LeaderTerm> _terms = [];
    private readonly CancellationTokenSource _stopWatching = new();
    private bool _stopped;

    private ElectionTestHost(IHost host, string instance)
    {
        Host = host;
        Instance = instance;
        Election = host.Services.GetRequiredKeyedService<ILeaderElection>(LeaderElectionConstants.DefaultElection);
    }

    public IHost Host { get; }

    public string Instance { get; }

    public ILeaderElection Election { get; }

    internal LeaseElector Elector => (LeaseElector)Election;

    /// <summary>The terms this instance held so far.</summary>
    public IReadOnlyList<HeldTerm> Terms
    {
        get
        {
            lock (_terms)
            {
                return [.. _terms.Select(t => new HeldTerm(Instance, t.Term, t.AcquiredAt, t.LostAt))];
            }
        }
    }

    public static async Task<ElectionTestHost> StartAsync(string etcdEndpoint, string service, string instance, WorkLog log, TimeSpan leaseTtl)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Etcd:Endpoints:0"] = etcdEndpoint,
            ["RedBook:Etcd:RequestTimeout"] = "00:00:02",
            ["RedBook:Etcd:RetryBackoffInitial"] = "00:00:00.100",
            ["RedBook:Etcd:RetryBackoffMax"] = "00:00:01",
            ["RedBook:Service:Name"] = service,
            ["RedBook:Service:InstanceId"] = instance,
            ["RedBook:Service:Register"] = "false",
            ["RedBook:Leadership:LeaseTtl"] = leaseTtl.ToString("c", CultureInfo.InvariantCulture),
        });
        builder.Services.AddLogging();
        builder.AddRedBookEtcd();
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(new InstanceName(instance));
        builder.Services.AddRedBookJob<BeatJob>("beat", TimeSpan.FromMilliseconds(200));
        var host = new ElectionTestHost(builder.Build(), instance);
        _ = host.WatchTermsAsync();
        await host.Host.StartAsync();
        return host;
    }

    /// <summary>Stops the host gracefully: the election resigns (revokes its lease) on the way out.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _stopWatching.CancelAsync();
        Host.Dispose();
        _stopWatching.Dispose();
    }

    private async Task WatchTermsAsync()
    {
        try
        {
            while (true)
            {
                var term = await Election.WaitForLeadershipAsync(_stopWatching.Token);
                lock (_terms)
                {
                    _terms.Add(term);
                }

                var lost = new TaskCompletionSource();
                using (term.LostToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), lost))
                {
                    await lost.Task;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private sealed record InstanceName(string Value);

    /// <summary>Holds for 100 ms (cancellable), then records the run.</summary>
    private sealed class BeatJob(WorkLog log, InstanceName instance, TimeProvider time) : IRedBookJob
    {
        public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            }
            finally
            {
                log.Add(new JobRun(instance.Value, context.Term, context.StartedAt, time.GetUtcNow()));
            }
        }
    }
}
