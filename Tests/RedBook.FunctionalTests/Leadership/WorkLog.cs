using System.Collections.Concurrent;

namespace RedBook.FunctionalTests.Leadership;

/// <summary>One job run as an instance reported it.</summary>
internal sealed record JobRun(string Instance, long Term, DateTimeOffset Start, DateTimeOffset End);

/// <summary>One leadership term as an instance held it (<see cref="LostAt"/> null while it lasts).</summary>
internal sealed record HeldTerm(string Instance, long Term, DateTimeOffset AcquiredAt, DateTimeOffset? LostAt);

/// <summary>
/// What every instance of one test did, in-process and child processes alike (one machine, one clock): the terms they
/// held and the job runs they made. The checks are the election's guarantees.
/// </summary>
internal sealed class WorkLog
{
    private readonly ConcurrentQueue<JobRun> _runs = new();

    public IReadOnlyList<JobRun> Runs => [.. _runs.OrderBy(r => r.Start)];

    public void Add(JobRun run) => _runs.Enqueue(run);

    /// <summary>No two instances held a term at the same time, and every later term is greater.</summary>
    public static void AssertOneLeaderAtATime(IEnumerable<HeldTerm> terms)
    {
        var ordered = terms.OrderBy(t => t.AcquiredAt).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (before, after) = (ordered[i - 1], ordered[i]);
            Assert.True(before.LostAt is { } lost && lost <= after.AcquiredAt,
                $"{before.Instance} (term {before.Term}, lost at {before.LostAt:O}) still led when {after.Instance} took term {after.Term} at {after.AcquiredAt:O}");
            Assert.True(after.Term > before.Term, $"term {after.Term} of {after.Instance} does not follow term {before.Term} of {before.Instance}");
        }
    }

    /// <summary>
    /// Every run belongs to a term its instance held and runs of different instances never overlap: the job ran only on
    /// the leader, one leader at a time.
    /// </summary>
    public void AssertRunsOnlyOnTheLeader(IReadOnlyCollection<HeldTerm> terms)
    {
        var runs = Runs;
        foreach (var run in runs)
        {
            Assert.Contains(terms, t => t.Instance == run.Instance && t.Term == run.Term && run.Start >= t.AcquiredAt);
        }

        for (var i = 1; i < runs.Count; i++)
        {
            for (var j = i - 1; j >= 0 && runs[j].Instance != runs[i].Instance; j--)
            {
                Assert.True(runs[j].End <= runs[i].Start,
                    $"{runs[j].Instance}'s run (term {runs[j].Term}, {runs[j].Start:O}–{runs[j].End:O}) overlaps {runs[i].Instance}'s (term {runs[i].Term}, from {runs[i].Start:O})");
            }
        }
    }
}
