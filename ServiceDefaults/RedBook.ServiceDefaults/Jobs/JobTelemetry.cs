using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Jobs;

/// <summary>The job host's activity, instruments and log lines (event ids 620–629).</summary>
internal static partial class JobTelemetry
{
    private static readonly Counter<long> s_runs = RedBookDiagnostics.Meter.CreateCounter<long>(
        JobConstants.RunsCounterName, "{run}", "Job runs that ended, by outcome.");

    private static readonly Histogram<double> s_duration = RedBookDiagnostics.Meter.CreateHistogram<double>(
        JobConstants.DurationHistogramName, "s", "How long job runs took, by outcome.");

    /// <summary>Starts the run's activity <c>job {name}</c> (a root: a run belongs to no request).</summary>
    public static Activity? StartRun(string name, string runId, long term)
    {
        var activity = RedBookDiagnostics.ActivitySource.StartActivity($"job {name}", ActivityKind.Internal, parentContext: default);
        activity?.SetTag(JobConstants.JobNameTag, name);
        activity?.SetTag("job.run_id", runId);
        activity?.SetTag("leadership.term", term);
        return activity;
    }

    public static void Ended(ILogger logger, Activity? activity, in JobRunResult result)
    {
        var outcome = OutcomeName(result.Outcome);
        var name = new KeyValuePair<string, object?>(JobConstants.JobNameTag, result.Name);
        var tag = new KeyValuePair<string, object?>(JobConstants.OutcomeTag, outcome);
        s_runs.Add(1, name, tag);
        s_duration.Record(result.Duration.TotalSeconds, name, tag);
        activity?.SetTag(JobConstants.OutcomeTag, outcome);
        switch (result.Outcome)
        {
            case JobOutcome.Succeeded:
                LogSucceeded(logger, result.Name, result.RunId, result.Duration);
                break;
            case JobOutcome.Failed:
                activity?.AddException(result.Error!).SetStatus(ActivityStatusCode.Error, result.Error!.Message);
                LogFailed(logger, result.Error, result.Name, result.RunId, result.Duration);
                break;
            case JobOutcome.TimedOut:
                activity?.SetStatus(ActivityStatusCode.Error, "timed out");
                LogTimedOut(logger, result.Name, result.RunId, result.Duration);
                break;
            default:
                LogCancelled(logger, result.Name, result.RunId, outcome);
                break;
        }
    }

    public static string OutcomeName(JobOutcome outcome) => outcome switch
    {
        JobOutcome.Succeeded => "succeeded",
        JobOutcome.Failed => "failed",
        JobOutcome.TimedOut => "timed_out",
        JobOutcome.LostLeadership => "lost_leadership",
        _ => "stopped",
    };

    [LoggerMessage(620, LogLevel.Information, "Job {Job} run {RunId} succeeded in {Duration}")]
    private static partial void LogSucceeded(ILogger logger, string job, string runId, TimeSpan duration);

    [LoggerMessage(621, LogLevel.Error, "Job {Job} run {RunId} failed after {Duration}; the next run is on schedule")]
    private static partial void LogFailed(ILogger logger, Exception? exception, string job, string runId, TimeSpan duration);

    [LoggerMessage(622, LogLevel.Warning, "Job {Job} run {RunId} timed out after {Duration}")]
    private static partial void LogTimedOut(ILogger logger, string job, string runId, TimeSpan duration);

    [LoggerMessage(623, LogLevel.Information, "Job {Job} run {RunId} was cancelled: {Outcome}")]
    private static partial void LogCancelled(ILogger logger, string job, string runId, string outcome);

    [LoggerMessage(624, LogLevel.Debug, "Job {Job} is disabled (RedBook:Jobs:{Job}:Enabled=false)")]
    public static partial void LogDisabled(ILogger logger, string job);
}
