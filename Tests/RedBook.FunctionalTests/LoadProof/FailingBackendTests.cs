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
        // A 1 s window (the probe interval shrinks with it to 100 ms) keeps the run short.
        var window = TimeSpan.FromSeconds(1);
        var v = await FailingBackendScenario.RunVariantAsync(FailingBackendScenario.Mode.Breaker, LabScale.Quick, window);

        var bound = (FailingBackendScenario.K * v.AcceptedSinceFailing) + ((LabScale.Quick.Duration - window) / (FailingBackendScenario.ProbeInterval / 2));
        var detail = $"calls {v.Calls}, reached {v.Reached}, accepted {v.Accepted}/{v.AcceptedSinceFailing}, bound {bound:0.#}, rejected locally {v.LocallyRejected}, recovery {v.Recovery}, healed tail success {v.HealedTailSuccess:0.00}";
        Assert.True(v.Reached < 0.5 * v.Calls, detail);
        Assert.True(v.Reached <= 2 * bound, detail); // the lab holds it to 1×; a loaded machine bunches arrivals
        Assert.True(v.LocallyRejected > 0.3 * v.Calls, detail);
        Assert.NotNull(v.Recovery);
        Assert.True(v.Recovery <= TimeSpan.FromSeconds(4), detail); // the lab measures about a probe interval
        Assert.True(v.HealedTailSuccess >= 0.9, detail);
    }
}
