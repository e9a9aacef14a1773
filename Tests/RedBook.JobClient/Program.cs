using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.JobClient;

/// <summary>
/// One job host process. Configuration comes from the command line (<c>--RedBook:Etcd:Endpoints:0=http://...</c>,
/// <c>--RedBook:Service:Name=...</c>, <c>--RedBook:Service:InstanceId=...</c>, <c>--RedBook:Leadership:LeaseTtl=...</c>,
/// <c>--RedBook:Jobs:beat:Interval=...</c>), wired as a service wires it: <c>AddRedBookEtcd()</c>, then
/// <c>AddRedBookJob&lt;BeatJob&gt;("beat", ...)</c>. It writes one JSON line per event to stdout:
/// <c>{"event":"ready"}</c>, <c>{"event":"acquired","term":5,"at":"..."}</c>, <c>{"event":"lost",...}</c> and
/// <c>{"event":"run","term":5,"start":"...","end":"..."}</c>. It stops gracefully when stdin reads <c>stop</c> or
/// closes.
/// </summary>
internal static class Program
{
    private static readonly Lock s_out = new();

    public static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.ClearProviders();
        builder.Configuration["RedBook:Service:Register"] = "false";
        builder.AddRedBookEtcd();
        builder.Services.AddRedBookJob<BeatJob>("beat", TimeSpan.FromMilliseconds(200));
        using var host = builder.Build();
        var election = host.Services.GetRequiredKeyedService<ILeaderElection>(LeaderElectionConstants.DefaultElection);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        _ = Task.Factory.StartNew(() => WatchStdin(lifetime), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = ReportLeadershipAsync(election, lifetime.ApplicationStopping);
        await host.StartAsync();
        Write(new Line { Event = "ready" });
        await host.WaitForShutdownAsync();
        return 0;
    }

    internal static void Write(Line line)
    {
        var text = JsonSerializer.Serialize(line, JobClientJson.Default.Line);
        lock (s_out)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }

    private static async Task ReportLeadershipAsync(ILeaderElection election, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var term = await election.WaitForLeadershipAsync(stopping);
                Write(new Line { Event = "acquired", Term = term.Term, At = term.AcquiredAt });
                var lost = new TaskCompletionSource();
                using (term.LostToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), lost))
                {
                    await lost.Task;
                }

                Write(new Line { Event = "lost", Term = term.Term, At = term.LostAt, Reason = term.LostReason });
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static void WatchStdin(IHostApplicationLifetime lifetime)
    {
        while (Console.In.ReadLine() is { } line)
        {
            if (string.Equals(line.Trim(), "stop", StringComparison.Ordinal))
            {
                break;
            }
        }

        lifetime.StopApplication();
    }
}

/// <summary>One run: holds for 100 ms (cancellable), then reports its term and times.</summary>
internal sealed class BeatJob(TimeProvider time) : IRedBookJob
{
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
        finally
        {
            Program.Write(new Line { Event = "run", Term = context.Term, Start = context.StartedAt, End = time.GetUtcNow() });
        }
    }
}

internal sealed class Line
{
    public string Event { get; set; } = string.Empty;

    public long? Term { get; set; }

    public DateTimeOffset? At { get; set; }

    public DateTimeOffset? Start { get; set; }

    public DateTimeOffset? End { get; set; }

    public string? Reason { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Event} term={Term} at={At:O} start={Start:O} end={End:O} {Reason}");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Line))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class JobClientJson : System.Text.Json.Serialization.JsonSerializerContext;
