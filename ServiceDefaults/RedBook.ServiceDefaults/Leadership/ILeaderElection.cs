namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// One leader election among the replicas of a service: at most one replica at a time holds it, and work that must
/// run once per service (jobs, the outbox relay) runs only there. Resolve it with
/// <c>GetRequiredKeyedService&lt;ILeaderElection&gt;(name)</c> after <c>AddRedBookLeaderElection(name)</c>.
/// </summary>
/// <example>
/// <code>
/// while (!stoppingToken.IsCancellationRequested)
/// {
///     var leadership = await election.WaitForLeadershipAsync(stoppingToken);
///     using var work = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership.LostToken);
///     await DoTheWorkAsync(leadership.Term, work.Token);   // stops as soon as leadership is lost
/// }
/// </code>
/// </example>
public interface ILeaderElection
{
    /// <summary>The election's name (the last segment of <c>/redbook/leaders/{service}/{name}</c>).</summary>
    string Name { get; }

    /// <summary>The leadership this instance holds now, or null when it does not lead.</summary>
    LeaderTerm? Current { get; }

    /// <summary>Completes when this instance leads (at once when it already does) with the leadership it holds.</summary>
    Task<LeaderTerm> WaitForLeadershipAsync(CancellationToken cancellationToken);
}
