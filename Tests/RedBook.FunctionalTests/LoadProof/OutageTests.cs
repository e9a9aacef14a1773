using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 5 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class OutageTests
{
    [Fact]
    public async Task BudgetedRetry_TotalOutage_StaysWithinTheBudget()
    {
        var ratioOnly = await OutageScenario.RunVariantAsync(OutageScenario.Budget.RatioOnly, LabScale.Quick);
        var defaults = await OutageScenario.RunVariantAsync(OutageScenario.Budget.Defaults, LabScale.Quick);

        Assert.True(ratioOnly.Amplification <= 1.25, $"20 % budget: {ratioOnly.Attempts} attempts for {ratioOnly.Calls} calls");
        Assert.True(ratioOnly.Amplification >= 1.0);
        // The default floor accrues 10 retries per second of history, less than 20 % of 50 calls a second, so the
        // ratio binds; the margin is for a loaded machine's uneven arrivals.
        Assert.True(defaults.Amplification <= 1.25, $"default budget: {defaults.Attempts} attempts for {defaults.Calls} calls");
        Assert.True(defaults.Amplification < 2.0, "the budget must stop most retries (three attempts each would be 3.0)");
    }
}
