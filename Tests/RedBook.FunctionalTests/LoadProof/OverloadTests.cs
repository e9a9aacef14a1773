using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 1 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class OverloadTests
{
    [Fact]
    public async Task BbrShedding_ThreeTimesCapacity_KeepsGoodputAndLatencyWhileNoSheddingCollapses()
    {
        var unloaded = await OverloadScenario.RunVariantAsync(shedding: true, LabScale.Quick, overload: false);
        var on = await OverloadScenario.RunVariantAsync(shedding: true, LabScale.Quick, overload: true);
        var off = await OverloadScenario.RunVariantAsync(shedding: false, LabScale.Quick, overload: true);

        var unloadedP99 = Stats.PercentileMs(unloaded.Ok, 99);
        var onP99 = Stats.PercentileMs(on.Ok, 99);
        var offP99 = Stats.PercentileMs(off.Ok, 99);
        var detail = $"goodput on {on.Goodput:0.00} off {off.Goodput:0.00}; p99 unloaded {unloadedP99:0} on {onP99:0} off {offP99:0} ms; on: {Stats.Failures(on.Calls)}; off: {Stats.Failures(off.Calls)}";
        // Wide margins for a loaded 2-core machine; the load lab checks the exact thresholds.
        Assert.True(on.Goodput >= 0.6, detail);
        Assert.True(on.Shed > 0, detail);
        Assert.True(offP99 > onP99, detail);
        Assert.True(on.Goodput > off.Goodput, detail);
    }
}
