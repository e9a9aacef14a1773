using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 3 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class FailingBackendTests
{
    [Fact]
    public async Task SreBreaker_BackendRejects90Percent_BoundsWhatReachesItAndRecoversFast()
    {
        // The lab's 2 s window. A shorter one flakes on a loaded machine: when the load generator stalls for most of a
        // window, the window holds fewer than the breaker's minimum requests, nothing is dropped, and the calls that
        // fell due during the stall all go out at once, which no bound on the steady state can count.
        var v = await FailingBackendScenario.RunVariantAsync(FailingBackendScenario.Mode.Breaker, LabScale.Quick);

        var bound = FailingBackendScenario.Bound(v, LabScale.Quick);
        var detail = $"calls {v.Calls}, reached {v.Reached}, accepted {v.Accepted}/{v.AcceptedSinceFailing}, bound {bound:0.#}, rejected locally {v.LocallyRejected}, recovery {v.Recovery}, healed tail success {v.HealedTailSuccess:0.00}";
        Assert.True(v.Reached < 0.5 * v.Calls, detail);
        Assert.True(v.Reached <= 2 * bound, detail); // the lab holds it to 1×; a loaded machine bunches arrivals
        Assert.True(v.LocallyRejected > 0.3 * v.Calls, detail);
        Assert.NotNull(v.Recovery);
        Assert.True(v.Recovery <= TimeSpan.FromSeconds(4), detail); // the lab measures about a probe interval
        Assert.True(v.HealedTailSuccess >= 0.9, detail);
    }
}
