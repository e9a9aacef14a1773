using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 3 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class FailingBackendTests
{
    [Fact]
    public async Task SreBreaker_BackendRejects90Percent_KeepsWhatReachesItNearKTimesAcceptsAndRecovers()
    {
        // A 1 s window: the throttle's climb back after healing takes a few windows, so a short window keeps it well
        // inside the recovery phase even on a loaded machine.
        var v = await FailingBackendScenario.RunVariantAsync(breaker: true, LabScale.Quick, TimeSpan.FromSeconds(1));

        var detail = $"calls {v.Calls}, reached {v.Reached}, accepted {v.Accepted}, rejected locally {v.LocallyRejected}, recovery {v.Recovery}, healed tail success {v.HealedTailSuccess:0.00}";
        Assert.True(v.Reached < 0.5 * v.Calls, detail);
        Assert.True(v.Reached <= (3 * FailingBackendScenario.K * v.Accepted) + 30, detail);
        Assert.True(v.LocallyRejected > 0.3 * v.Calls, detail);
        // The SRE throttle climbs back exponentially (about a window per e-fold); on a loaded machine the full climb
        // may outlast the phase, so the test asks for a clear recovery, the lab reports the time to 90 %.
        Assert.True(v.HealedTailSuccess >= 0.5, detail);
    }
}
