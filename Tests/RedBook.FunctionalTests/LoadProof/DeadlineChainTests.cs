using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 4 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class DeadlineChainTests
{
    [Fact]
    public async Task DeadlineChain_150MsSpentInB_FailsFastWithoutCallingC()
    {
        var v = await DeadlineChainScenario.RunVariantAsync(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(20), LabScale.Quick);

        Assert.Equal(0, v.CCalled);
        Assert.All(v.Calls, c => Assert.Equal(CallOutcome.DeadlineExceeded, c.Outcome));
        Assert.Equal(0, v.LateA + v.LateB + v.LateC);
    }

    [Fact]
    public async Task DeadlineChain_EnoughBudgetLeft_CallsCWithAtLeastTheMinimumAndNobodyWorksLate()
    {
        var fast = await DeadlineChainScenario.RunVariantAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), LabScale.Quick);
        var slowC = await DeadlineChainScenario.RunVariantAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), LabScale.Quick);

        Assert.All(fast.CBudgets.Concat(slowC.CBudgets), b => Assert.True(b >= DeadlineChainScenario.Minimum.TotalMilliseconds, $"C received {b} ms"));
        Assert.True(fast.Calls.Count(c => c.Outcome == CallOutcome.Ok) >= fast.Calls.Count / 2, Stats.Failures(fast.Calls));
        Assert.All(slowC.Calls, c => Assert.NotEqual(CallOutcome.Ok, c.Outcome));
        Assert.Equal(0, slowC.LateC);
        Assert.Equal(0, fast.LateA + fast.LateB + fast.LateC + slowC.LateA + slowC.LateB);
    }
}
