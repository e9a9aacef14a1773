using Microsoft.Extensions.Time.Testing;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.Tests.Testing;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class P2CBalancerTests
{
    private readonly FakeTimeProvider _time = new();

    private static BalancerEndpoint<string>[] Endpoints(params string[] keys)
        => [.. keys.Select(k => new BalancerEndpoint<string>(k, k))];

    private P2CBalancer<string> Create(P2CBalancerOptions? options = null, long seed = 42, params string[] keys)
    {
        var balancer = new P2CBalancer<string>("svc", options ?? new P2CBalancerOptions(), _time, seed);
        balancer.UpdateEndpoints(Endpoints(keys.Length == 0 ? ["a", "b"] : keys));
        return balancer;
    }

    private void Call(P2CBalancer<string> balancer, Func<string, (TimeSpan Latency, bool Success)> behave)
    {
        var pick = balancer.Pick();
        var (latency, success) = behave(pick.Endpoint!);
        _time.Advance(latency);
        balancer.Complete(pick, new PickFeedback(success));
    }

    /// <summary>Completes each endpoint's warm-up call (the one whose latency the balancer does not sample), taking no time.</summary>
    private static void WarmUp<T>(P2CBalancer<T> balancer)
        where T : class
    {
        while (balancer.GetSnapshot().Any(s => s.Picks == 0))
        {
            var pick = balancer.Pick();
            balancer.Complete(pick, new PickFeedback(true, TimeSpan.Zero));
        }
    }

    [Fact]
    public void Pick_EmptySet_ReturnsNoEndpoint()
    {
        var balancer = new P2CBalancer<string>("svc", new P2CBalancerOptions(), _time, 1);

        var pick = balancer.Pick();

        Assert.False(pick.HasEndpoint);
        Assert.Null(pick.Endpoint);
        balancer.Complete(pick, PickFeedback.Succeeded); // a no-op, not a crash
    }

    [Fact]
    public void Pick_SingleEndpoint_ReturnsItAndCountsInFlight()
    {
        var balancer = Create(keys: ["only"]);

        var pick = balancer.Pick();

        Assert.Equal("only", pick.Endpoint);
        Assert.Equal(1, balancer.GetSnapshot()[0].InFlight);
        balancer.Complete(pick, PickFeedback.Succeeded);
        Assert.Equal(0, balancer.GetSnapshot()[0].InFlight);
    }

    [Fact]
    public void Complete_TwoSamples_LatencyFollowsTimeDecayedEwma()
    {
        var balancer = Create(keys: ["only"]);

        Call(balancer, _ => (TimeSpan.FromMilliseconds(900), true));
        Assert.Equal(0.0, balancer.GetSnapshot()[0].Latency.TotalSeconds, 9); // the warm-up call (connection set-up) is not sampled
        Call(balancer, _ => (TimeSpan.FromMilliseconds(100), true));
        var first = 0.100 * (1 - Math.Exp(-0.100 / 0.600)); // the first sample decays into the initial 0, 100 ms after the warm-up
        Assert.Equal(first, balancer.GetSnapshot()[0].Latency.TotalSeconds, 1e-6);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Call(balancer, _ => (TimeSpan.FromMilliseconds(50), true));

        // dt between the two completions = 200 ms idle + 50 ms call.
        var w = Math.Exp(-0.250 / 0.600);
        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal((first * w) + (0.050 * (1 - w)), snapshot.Latency.TotalSeconds, 1e-6);
        Assert.Equal(1.0, snapshot.SuccessRate, 9);
    }

    [Fact]
    public void Complete_FastFailure_LowersSuccessButNotLatency()
    {
        var balancer = Create(keys: ["only"]);
        WarmUp(balancer);
        _time.Advance(TimeSpan.FromMinutes(1)); // a sample long after the previous completion takes its full weight
        Call(balancer, _ => (TimeSpan.FromMilliseconds(100), true));

        _time.Advance(TimeSpan.FromMilliseconds(599));
        Call(balancer, _ => (TimeSpan.FromMilliseconds(1), false));

        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal(0.100, snapshot.Latency.TotalSeconds, 6);
        Assert.Equal(Math.Exp(-1.0), snapshot.SuccessRate, 9);
    }

    [Fact]
    public void Complete_ExplicitLatencyAndServerCpu_AreUsed()
    {
        var balancer = Create(keys: ["only"]);
        WarmUp(balancer);
        _time.Advance(TimeSpan.FromMinutes(1)); // a sample long after the previous completion takes its full weight
        var pick = balancer.Pick();

        balancer.Complete(pick, new PickFeedback(true, TimeSpan.FromMilliseconds(30), PickFeedback.ParseServerCpu("800")));

        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal(0.030, snapshot.Latency.TotalSeconds, 6);
        Assert.Equal(0.8, snapshot.ServerCpu, 9);
        var expected = 100 * 1.0 / ((30 + 5) * 1 * (0.5 + 0.8));
        Assert.Equal(expected, snapshot.Score, 9);
    }

    [Theory]
    [InlineData("", double.NaN)]
    [InlineData("abc", double.NaN)]
    [InlineData("-5", double.NaN)]
    [InlineData("1001", double.NaN)]
    [InlineData("0", 0.0)]
    [InlineData("250", 0.25)]
    [InlineData("1000", 1.0)]
    public void ParseServerCpu_Values_ParsedOrNaN(string header, double expected)
        => Assert.Equal(expected, PickFeedback.ParseServerCpu(header));

    [Fact]
    public void Pick_SlowEndpoint_GetsSmallShare()
    {
        var balancer = Create(keys: ["fast1", "fast2", "slow"]);
        var counts = new Dictionary<string, int> { ["fast1"] = 0, ["fast2"] = 0, ["slow"] = 0 };

        for (var i = 0; i < 3000; i++)
        {
            var pick = balancer.Pick();
            counts[pick.Endpoint!]++;
            _time.Advance(TimeSpan.FromMilliseconds(1));
            balancer.Complete(pick, new PickFeedback(true, pick.Endpoint == "slow" ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(10)));
        }

        Assert.True(counts["slow"] < 300, $"slow got {counts["slow"]} of 3000");
    }

    [Fact]
    public void Pick_FailingEndpoint_GetsLittleTraffic()
    {
        var balancer = Create(keys: ["ok1", "ok2", "bad"]);
        var counts = new Dictionary<string, int> { ["ok1"] = 0, ["ok2"] = 0, ["bad"] = 0 };

        for (var i = 0; i < 3000; i++)
        {
            var pick = balancer.Pick();
            counts[pick.Endpoint!]++;
            _time.Advance(TimeSpan.FromMilliseconds(1));
            balancer.Complete(pick, new PickFeedback(pick.Endpoint != "bad", TimeSpan.FromMilliseconds(10)));
        }

        Assert.True(counts["bad"] < 150, $"bad got {counts["bad"]} of 3000");
    }

    [Fact]
    public void Pick_StarvedLoser_IsForcePickedOnceAfterInterval()
    {
        var balancer = Create(keys: ["good", "bad"]);

        // Make "bad" lose every comparison: it fails.
        for (var i = 0; i < 50; i++)
        {
            Call(balancer, e => (TimeSpan.FromMilliseconds(10), e == "good"));
        }

        // Keep picking "good" for 3 s without completing "bad"'s picks: "bad" is starved.
        var forced = new List<PickResult<string>>();
        for (var i = 0; i < 400; i++)
        {
            var pick = balancer.Pick();
            if (pick.IsForced)
            {
                forced.Add(pick);
            }

            _time.Advance(TimeSpan.FromMilliseconds(10));
            balancer.Complete(pick, new PickFeedback(pick.Endpoint == "good", TimeSpan.FromMilliseconds(10)));
        }

        Assert.NotEmpty(forced);
        Assert.All(forced, p => Assert.Equal("bad", p.Endpoint));
        // 4 s of picks every 10 ms, forced at most once per 3 s (plus the one due at the start).
        Assert.InRange(forced.Count, 1, 2);
        Assert.Equal(forced.Count, balancer.GetSnapshot().Single(s => s.Key == "bad").ForcedPicks);
    }

    [Fact]
    public void Pick_FailedEndpointRecovers_AfterForcedPickSucceeds()
    {
        var healthy = false;
        var balancer = Create(keys: ["a", "b"]);
        for (var i = 0; i < 600; i++)
        {
            Call(balancer, e => (TimeSpan.FromMilliseconds(10), e == "a" || healthy));
        }

        Assert.True(balancer.GetSnapshot().Single(s => s.Key == "b").SuccessRate < 0.2);

        healthy = true;
        for (var i = 0; i < 1000; i++)
        {
            Call(balancer, e => (TimeSpan.FromMilliseconds(10), true));
        }

        Assert.True(balancer.GetSnapshot().Single(s => s.Key == "b").SuccessRate > 0.9);
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        string[] keys = ["a", "b", "c", "d", "e"];
        var first = new P2CBalancer<string>("svc", new P2CBalancerOptions(), new FakeTimeProvider(), 7);
        var second = new P2CBalancer<string>("svc", new P2CBalancerOptions(), new FakeTimeProvider(), 7);
        first.UpdateEndpoints(Endpoints(keys));
        second.UpdateEndpoints(Endpoints(keys));

        var a = Enumerable.Range(0, 100).Select(_ => first.Pick().Endpoint).ToArray();
        var b = Enumerable.Range(0, 100).Select(_ => second.Pick().Endpoint).ToArray();

        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 1);
    }

    [Fact]
    public void UpdateEndpoints_EndpointThatStays_KeepsStatistics()
    {
        var balancer = Create(keys: ["a", "b"]);
        WarmUp(balancer);
        _time.Advance(TimeSpan.FromMinutes(1)); // a sample long after the previous completion takes its full weight
        var pick = balancer.Pick();
        var key = pick.Key!;
        _time.Advance(TimeSpan.FromMilliseconds(40));
        balancer.Complete(pick, PickFeedback.Succeeded);
        var inFlightPick = balancer.Pick();

        balancer.UpdateEndpoints(Endpoints(key, "c"));

        var kept = balancer.GetSnapshot().Single(s => s.Key == key);
        Assert.Equal(0.040, kept.Latency.TotalSeconds, 6);
        Assert.Equal(2, balancer.Count);
        Assert.Equal(inFlightPick.Key == key ? 1 : 0, kept.InFlight);
        balancer.Complete(inFlightPick, PickFeedback.Succeeded); // completing a pick of a removed endpoint is harmless
        Assert.Equal(0, balancer.GetSnapshot().Single(s => s.Key == key).InFlight);
    }

    [Fact]
    public void UpdateEndpoints_NewEndpointInEstablishedSet_RampsUpLinearly()
    {
        var balancer = Create(keys: ["a"]);
        _time.Advance(new P2CBalancerOptions().InitialMembersWindow); // the set is established: "new" is a late joiner
        balancer.UpdateEndpoints(Endpoints("a", "new"));

        double Factor() => balancer.GetSnapshot().Single(s => s.Key == "new").SlowStartFactor;

        Assert.Equal(1.0, balancer.GetSnapshot().Single(s => s.Key == "a").SlowStartFactor);
        Assert.Equal(0.1, Factor(), 9);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0.55, Factor(), 9);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1.0, Factor(), 9);
    }

    [Fact]
    public void UpdateEndpoints_RegisteredAt_RampStartsAtRegistration()
    {
        var balancer = new P2CBalancer<ServiceEndpoint>("svc", new P2CBalancerOptions(), _time, 1);
        var now = _time.GetUtcNow();
        balancer.UpdateEndpoints(
        [
            TestEndpoints.Create("http://10.0.0.1:80", "old"),
            TestEndpoints.Create("http://10.0.0.2:80", "young", registeredAt: now.AddSeconds(-10), weight: 200),
            TestEndpoints.Create("http://10.0.0.3:80", "future", registeredAt: now.AddSeconds(5)),
        ]);

        var snapshot = balancer.GetSnapshot().ToDictionary(s => s.Endpoint.Id()!);
        Assert.Equal(1.0, snapshot["old"].SlowStartFactor);
        Assert.Equal(0.1 + (0.9 * 10 / 30), snapshot["young"].SlowStartFactor, 6);
        Assert.Equal(200, snapshot["young"].Weight);
        Assert.Equal(0.1, snapshot["future"].SlowStartFactor, 9);
    }

    [Fact]
    public void UpdateEndpoints_OutOfRangeWeightsAndDuplicates_ClampedAndLastWins()
    {
        var balancer = new P2CBalancer<string>("svc", new P2CBalancerOptions(), _time, 1);

        balancer.UpdateEndpoints(
        [
            new BalancerEndpoint<string>("a1", "a", 0),
            new BalancerEndpoint<string>("b", "b", 5000),
            new BalancerEndpoint<string>("a2", "a", -3),
        ]);

        var snapshot = balancer.GetSnapshot();
        Assert.Equal(2, snapshot.Count);
        Assert.Equal(("a2", 1), (snapshot[0].Endpoint, snapshot[0].Weight));
        Assert.Equal(("b", 1000), (snapshot[1].Endpoint, snapshot[1].Weight));
    }

    [Fact]
    public void UpdateEndpoints_EmptyKey_ThrowsClearError()
    {
        var balancer = new P2CBalancer<string>("svc", new P2CBalancerOptions(), _time, 1);

        Assert.Throws<ArgumentException>(() => balancer.UpdateEndpoints([new BalancerEndpoint<string>("x", "")]));
        Assert.Equal(0, balancer.Count);
    }

    [Fact]
    public void Pick_HigherWeight_GetsProportionallyMore()
    {
        var balancer = new P2CBalancer<string>("svc", new P2CBalancerOptions(), _time, 3);
        balancer.UpdateEndpoints([new BalancerEndpoint<string>("heavy", "heavy", 300), new BalancerEndpoint<string>("light", "light", 100)]);
        var heavy = 0;

        for (var i = 0; i < 2000; i++)
        {
            // Four concurrent calls, so in-flight counts matter and weights trade off against them.
            var picks = Enumerable.Range(0, 4).Select(_ => balancer.Pick()).ToArray();
            heavy += picks.Count(p => p.Endpoint == "heavy");
            _time.Advance(TimeSpan.FromMilliseconds(10));
            foreach (var p in picks)
            {
                balancer.Complete(p, PickFeedback.Succeeded);
            }
        }

        Assert.InRange(heavy / 8000.0, 0.6, 0.95);
    }

    [Fact]
    public void ApplyOptions_OutOfRange_ThrowsValidationException()
    {
        var balancer = Create();

        Assert.Throws<ValidationException>(() => balancer.ApplyOptions(new P2CBalancerOptions { DecayTime = TimeSpan.Zero }));
        Assert.Throws<ValidationException>(() => balancer.ApplyOptions(new P2CBalancerOptions { SlowStartInitialFactor = 2 }));
    }

    [Fact]
    public void ApplyOptions_SlowStartDisabled_EndpointsAtFullWeight()
    {
        var balancer = Create(keys: ["a"]);
        _time.Advance(new P2CBalancerOptions().InitialMembersWindow);
        balancer.UpdateEndpoints(Endpoints("a", "new"));
        Assert.Equal(0.1, balancer.GetSnapshot().Single(s => s.Key == "new").SlowStartFactor, 9);

        balancer.ApplyOptions(new P2CBalancerOptions { SlowStartWindow = TimeSpan.Zero });

        Assert.Equal(1.0, balancer.GetSnapshot().Single(s => s.Key == "new").SlowStartFactor);
    }

    [Fact]
    public void Pick_WithCallerTimestamp_UsesItForLatencyAndStarvation()
    {
        var balancer = Create(keys: ["only"]);
        WarmUp(balancer);
        _time.Advance(TimeSpan.FromMinutes(1));
        var start = _time.GetTimestamp() - TimeSpan.FromMilliseconds(20).Ticks; // the caller read the clock 20 ms ago

        var pick = balancer.Pick(start);
        balancer.Complete(pick, PickFeedback.Succeeded);

        Assert.Equal(start, pick.StartTimestamp);
        Assert.Equal(0.020, balancer.GetSnapshot()[0].Latency.TotalSeconds, 6);
    }

    [Fact]
    public void Complete_CallsPickedBeforeTheFirstAnswer_AreNoLatencySamples()
    {
        // The first call opens the connection; the calls picked meanwhile queue behind the set-up.
        var balancer = Create(keys: ["only"]);
        var queued = Enumerable.Range(0, 4).Select(_ => balancer.Pick()).ToList();
        _time.Advance(TimeSpan.FromMilliseconds(700));
        foreach (var pick in queued)
        {
            balancer.Complete(pick, PickFeedback.Succeeded);
        }

        Assert.Equal(0.0, balancer.GetSnapshot()[0].Latency.TotalSeconds, 9);
        _time.Advance(TimeSpan.FromMinutes(1));
        Call(balancer, _ => (TimeSpan.FromMilliseconds(10), true));
        Assert.Equal(0.010, balancer.GetSnapshot()[0].Latency.TotalSeconds, 6);
    }

    [Fact]
    public void Complete_CallPickedWhileAnotherEndpointSetsUp_IsNoLatencySample()
    {
        var balancer = Create(keys: ["a", "b"]);
        var settingUp = balancer.Pick();                 // opens one endpoint's connection, which takes a while
        var other = balancer.Pick();                     // the other one (the first has a call in flight)
        _time.Advance(TimeSpan.FromMilliseconds(5));
        balancer.Complete(other, PickFeedback.Succeeded); // the other endpoint has answered
        var during = balancer.Pick();                    // picked while the first is still setting up

        _time.Advance(TimeSpan.FromMilliseconds(300));    // the whole client waited for that set-up
        balancer.Complete(during, PickFeedback.Succeeded);
        balancer.Complete(settingUp, PickFeedback.Succeeded);

        Assert.Equal(other.Key, during.Key);
        Assert.All(balancer.GetSnapshot(), s => Assert.Equal(0.0, s.Latency.TotalSeconds, 9));
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = balancer.Pick();                     // nothing is setting up any more: a sample
        _time.Advance(TimeSpan.FromMilliseconds(10));
        balancer.Complete(after, PickFeedback.Succeeded);
        Assert.Equal(0.010, balancer.GetSnapshot().Single(s => s.Key == after.Key).Latency.TotalSeconds, 6);
    }

    [Fact]
    public void PickUnstarted_PickTheTransportDrops_LeavesNothingInFlight()
    {
        var balancer = Create(keys: ["only"]);
        var roundRobin = new RoundRobinBalancer<string>("svc", _time);
        roundRobin.UpdateEndpoints(Endpoints("only"));

        _ = balancer.PickUnstarted();                    // dropped: never started, never completed
        _ = roundRobin.PickUnstarted();
        var started = balancer.PickUnstarted();
        balancer.Start(started);
        var counted = balancer.Pick();
        balancer.Start(counted);                         // already counted at the pick: no-op

        Assert.Equal(2, balancer.GetSnapshot()[0].InFlight);
        Assert.Equal(0, roundRobin.GetSnapshot()[0].InFlight);
        balancer.Complete(started, PickFeedback.Succeeded);
        balancer.Complete(counted, PickFeedback.Succeeded);
        Assert.Equal(0, balancer.GetSnapshot()[0].InFlight);
        Assert.Equal(3, balancer.GetSnapshot()[0].Picks);
    }
}
