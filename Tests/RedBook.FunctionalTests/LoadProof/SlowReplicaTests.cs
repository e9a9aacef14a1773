using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.FunctionalTests.LoadProof;

/// <summary>Scenario 2 of the HA proof, short and with wide margins (the load lab reports the precise figures).</summary>
[Collection(LoadProofCollection.Name)]
public class SlowReplicaTests
{
    [Fact]
    public async Task P2C_OneReplicaTenTimesSlower_SendsItASmallShareWhileRoundRobinSendsAQuarter()
    {
        var report = await SlowReplicaScenario.RunAsync(LabScale.Quick);

        var shares = report.Checks.ToDictionary(c => c.Claim, c => double.Parse(c.Measured, System.Globalization.CultureInfo.InvariantCulture));
        var p2cShare = shares.Single(s => s.Key.StartsWith("P2C: the slow replica", StringComparison.Ordinal)).Value;
        var rrShare = shares.Single(s => s.Key.StartsWith("round robin baseline", StringComparison.Ordinal)).Value;
        Assert.True(p2cShare <= 12, $"P2C sent the slow replica {p2cShare} %\n{report.ToMarkdown()}");
        Assert.InRange(rrShare, 15, 35);
        Assert.True(p2cShare < rrShare / 2, report.ToMarkdown());
    }
}
