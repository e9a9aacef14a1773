namespace RedBook.ServiceDefaults.Jobs;

/// <summary>
/// A recurring job of a service, registered with <c>AddRedBookJob&lt;TJob&gt;(name, interval)</c>. It runs on the
/// replica that leads the job's election, one run at a time, resolved from a new DI scope per run.
/// </summary>
public interface IRedBookJob
{
    /// <summary>
    /// Does one run. <paramref name="cancellationToken"/> fires when the run times out, the instance loses the
    /// leadership, or the host stops: stop promptly then, the next leader runs the job again. A run should be safe to
    /// repeat, and safe to overlap a deposed leader's late run (see docs/jobs.md on the limits of leases).
    /// </summary>
    Task RunAsync(JobContext context, CancellationToken cancellationToken);
}
