namespace RedBook.ServiceDefaults.Jobs;

/// <summary>One registered job: its name, its election and how to build it from a run's scope.</summary>
internal sealed record JobRegistration(string Name, string Election, Func<IServiceProvider, IRedBookJob> Create);

/// <summary>What one run did, for telemetry and tests.</summary>
internal readonly record struct JobRunResult(string Name, string RunId, long Term, JobOutcome Outcome, TimeSpan Duration, Exception? Error);
