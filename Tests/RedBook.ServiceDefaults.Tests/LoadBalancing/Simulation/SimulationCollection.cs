namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

/// <summary>
/// The simulations are CPU-bound for a few seconds; they run alone, after the parallel tests, so they never starve
/// other tests on a small shared machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulationCollection
{
    public const string Name = "Load-balancing simulation";
}
