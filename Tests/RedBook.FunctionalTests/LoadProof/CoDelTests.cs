using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 6 of the load lab (CoDel against a FIFO queue), short and with wide margins.</summary>
[Collection(LoadProofCollection.Name)]
public class CoDelTests
{
    [Fact]
    public async Task CoDel_TwiceCapacity_KeepsAdmittedWaitsNearTargetPlusIntervalWhileAFifoQueueStands()
    {
        var codel = await CoDelScenario.RunVariantAsync(CoDelScenario.Queue.CoDel, 2, LabScale.Quick);
        var fifo = await CoDelScenario.RunVariantAsync(CoDelScenario.Queue.Fifo, 2, LabScale.Quick);

        var codelP99 = CoDelScenario.Percentile(codel.WaitsMs, 99);
        var fifoP99 = CoDelScenario.Percentile(fifo.WaitsMs, 99);
        var detail = $"admitted wait p99: CoDel {codelP99:0.0} ms, FIFO {fifoP99:0.0} ms; goodput CoDel {codel.Goodput:0.00}, FIFO {fifo.Goodput:0.00}; max queue CoDel {codel.MaxQueue}, FIFO {fifo.MaxQueue}; CoDel: {Stats.Failures(codel.Calls)}";
        // The lab holds CoDel to 1.5 × (target + interval); a loaded 2-core machine gets 3 ×.
        Assert.True(codelP99 <= 3 * CoDelScenario.BoundMs, detail);
        Assert.True(fifoP99 > 2 * codelP99 && fifoP99 > 3 * CoDelScenario.BoundMs, detail);
        Assert.True(codel.Goodput >= 0.6, detail);
        Assert.True(codel.MaxQueue < fifo.MaxQueue, detail);
    }
}
