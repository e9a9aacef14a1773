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
        Assert.True(defaults.Amplification <= 1.2 + (100.0 / defaults.Calls) + 0.05, $"default budget: {defaults.Attempts} attempts for {defaults.Calls} calls");
    }
}
