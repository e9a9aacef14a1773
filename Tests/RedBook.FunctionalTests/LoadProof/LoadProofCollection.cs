namespace RedBook.FunctionalTests.LoadProof;

/// <summary>The load-proof tests run alone (no other test class in parallel), one after another: they measure latency.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadProofCollection
{
    public const string Name = "LoadProof";
}
