using RedBook.ServiceDefaults.LoadBalancing;
using Xunit.Abstractions;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

[Collection(SimulationCollection.Name)]
public class LoadBalancingSimulationTests(ITestOutputHelper output)
{
    private static readonly Func<int, TimeProvider, long, ILoadBalancer<SimServerSpec>> s_p2c =
        static (_, time, seed) => new P2CBalancer<SimServerSpec>("sim", new P2CBalancerOptions(), time, seed);

    private static readonly Func<int, TimeProvider, long, ILoadBalancer<SimServerSpec>> s_roundRobin =
        static (_, time, seed) => new RoundRobinBalancer<SimServerSpec>("sim", time, (int)(seed % 1000));

    private static SimServerSpec[] Servers(int count, Func<int, SimServerSpec, SimServerSpec>? shape = null)
        => [.. Enumerable.Range(0, count).Select(i => shape is null ? new SimServerSpec($"s{i}") : shape(i, new SimServerSpec($"s{i}")))];

    private SimulationResult Run(SimulationScenario scenario, string label)
    {
        var result = LoadBalancingSimulation.Run(scenario);
        output.WriteLine($"{label}: {result}");
        return result;
    }

    [Fact]
    public void Run_SameSeed_SameResult()
    {
        var scenario = new SimulationScenario { Servers = Servers(4), BalancerFactory = s_p2c, Duration = TimeSpan.FromSeconds(5), RequestsPerSecond = 1000 };

        var first = LoadBalancingSimulation.Run(scenario);
        var second = LoadBalancingSimulation.Run(scenario);

        Assert.Equal(first.RequestsPerServer, second.RequestsPerServer);
        Assert.Equal(first.LatenciesMs, second.LatenciesMs);
    }

    [Fact]
    public void Run_SlowNode_P2CSendsItSmallShareAndKeepsP99NearHealthy()
    {
        var healthy = new SimulationScenario { Servers = Servers(6), BalancerFactory = s_p2c, Seed = 11 };
        var slow = healthy with { Servers = Servers(6, (i, s) => i == 0 ? s with { SlowFactor = 10 } : s) };

        var p2cHealthy = Run(healthy, "p2c healthy");
        var p2cSlow = Run(slow, "p2c slow node");
        var rrSlow = Run(slow with { BalancerFactory = s_roundRobin }, "rr slow node");

        Assert.True(p2cSlow.Share("s0") < 0.10, $"P2C sent the slow node {p2cSlow.Share("s0"):P1}");
        Assert.True(p2cSlow.P99 <= 1.5 * p2cHealthy.P99, $"P2C p99 {p2cSlow.P99:F1} ms vs healthy {p2cHealthy.P99:F1} ms");
        Assert.True(rrSlow.Share("s0") > 0.15, $"round robin sent the slow node {rrSlow.Share("s0"):P1}");
        Assert.True(rrSlow.P99 > 3 * p2cSlow.P99, $"round robin p99 {rrSlow.P99:F1} ms vs P2C {p2cSlow.P99:F1} ms");
    }

    [Fact]
    public void Run_FailingNodes_P2CSendsThemLittleTraffic()
    {
        var scenario = new SimulationScenario
        {
            Servers = Servers(8, (i, s) => i < 2 ? s with { FailureRate = 0.8 } : s),
            BalancerFactory = s_p2c,
            RequestsPerSecond = 3000,
            Seed = 5,
        };

        var p2c = Run(scenario, "p2c failing nodes");
        var rr = Run(scenario with { BalancerFactory = s_roundRobin }, "rr failing nodes");

        // Round robin gives the two failing nodes 25%.
        Assert.True(p2c.Share("s0") + p2c.Share("s1") < 0.07, $"P2C sent the failing nodes {p2c.Share("s0") + p2c.Share("s1"):P1}");
        Assert.True(p2c.FailureRate < rr.FailureRate / 4, $"P2C failure rate {p2c.FailureRate:P2} vs round robin {rr.FailureRate:P2}");
    }

    [Fact]
    public void Run_JitterTailsSpikesAndBadNodes_P2CBeatsRoundRobin()
    {
        var scenario = new SimulationScenario
        {
            Servers = Servers(8, (i, s) => i switch
            {
                0 => s with { SlowFactor = 10 },
                1 => s with { FailureRate = 0.5 },
                2 => s with { Spike = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), 6.0) },
                _ => s,
            }),
            BalancerFactory = s_p2c,
            Clients = 16,
            RequestsPerSecond = 3000,
            NetworkDelay = TimeSpan.FromMilliseconds(2),
            TailProbability = 0.005,
            TrafficSpike = (TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(18), 1.6),
            Seed = 23,
        };

        var p2c = Run(scenario, "p2c mixed");
        var rr = Run(scenario with { BalancerFactory = s_roundRobin }, "rr mixed");

        Assert.True(p2c.P99 * 3 < rr.P99, $"P2C p99 {p2c.P99:F1} ms vs round robin {rr.P99:F1} ms");
        Assert.True(p2c.FailureRate * 4 < rr.FailureRate, $"P2C failures {p2c.FailureRate:P2} vs round robin {rr.FailureRate:P2}");
        Assert.True(p2c.Share("s0") < 0.05, $"P2C sent the slow node {p2c.Share("s0"):P1}");
    }

    [Fact]
    public void Run_NewNodeUnderSlowStart_RampsUp()
    {
        var scenario = new SimulationScenario
        {
            Servers = Servers(4, (i, s) => i == 3 ? s with { JoinsAt = TimeSpan.FromSeconds(10) } : s),
            BalancerFactory = s_p2c,
            RequestsPerSecond = 2000,
            Duration = TimeSpan.FromSeconds(50),
            Seed = 3,
        };

        var result = Run(scenario, "p2c slow start");
        var perSecond = result.RequestsPerServerPerSecond["s3"];
        var total = result.RequestsPerServerPerSecond.Values.Select(v => v[14..17].Sum()).Sum();
        var firstSeconds = perSecond[10..13].Sum();
        var middle = perSecond[24..27].Sum();
        var ramped = perSecond[42..45].Sum();
        output.WriteLine($"s3 per second: {string.Join(' ', perSecond)}");

        Assert.Equal(0, perSecond[..10].Sum());
        Assert.True(firstSeconds < middle && middle < ramped, $"new node: first {firstSeconds}, middle {middle}, ramped {ramped}");
        Assert.True(firstSeconds < 0.12 * 3 * 2000, $"new node took {firstSeconds} in its first three seconds");
        Assert.True(ramped > 0.15 * 3 * 2000, $"new node took only {ramped} once ramped up");
    }
}
