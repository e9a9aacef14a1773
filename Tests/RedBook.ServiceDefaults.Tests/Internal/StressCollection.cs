namespace RedBook.ServiceDefaults.Tests.Internal;

/// <summary>
/// Tests that hammer a limiter or a window from several threads. They run alone, after the parallel tests, so they
/// never starve timing-sensitive tests on a small shared machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressCollection
{
    public const string Name = "Concurrency stress";
}
