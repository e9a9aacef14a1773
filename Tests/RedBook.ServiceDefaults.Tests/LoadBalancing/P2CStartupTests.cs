using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

/// <summary>
/// The start-up of a new gRPC channel as it happens on the wire, on a fake clock: grpc-dotnet publishes a picker each
/// time a subchannel turns Ready, so the balancer sees [a] and then [a, b]; an endpoint's HTTP/2 connection is opened by
/// its first call, so every call picked before the endpoint's first answer waits for that set-up; a closed loop of
/// callers keeps the balancer busy.
/// </summary>
public sealed class P2CStartupTests
{
    private const int Callers = 8;
    private static readonly TimeSpan s_steady = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan s_firstSecond = TimeSpan.FromSeconds(1);

    /// <summary>How long each endpoint's connection set-up takes, and whether it stalls every call in flight meanwhile.</summary>
    private sealed record Wire(Dictionary<string, TimeSpan> SetUp, bool SetUpStallsTheClient = false);

    /// <summary>
    /// Runs the callers from now for <paramref name="duration"/>; <paramref name="join"/> runs at <paramref name="joinAt"/>.
    /// Returns the endpoint of every call picked at or after <paramref name="joinAt"/> and before it plus a second.
    /// </summary>
    private static List<string> Run(P2CBalancer<string> balancer, FakeTimeProvider time, Wire wire, TimeSpan joinAt, Action join, TimeSpan duration)
    {
        var start = time.GetUtcNow();
        var connected = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var pending = new PriorityQueue<PickResult<string>, DateTimeOffset>();
        var window = new List<string>();
        var joined = false;

        void StartCall()
        {
            var now = time.GetUtcNow();
            var pick = balancer.Pick();
            var endpoint = pick.Endpoint!;
            if (joined && now - start < joinAt + s_firstSecond)
            {
                window.Add(endpoint);
            }

            if (!connected.TryGetValue(endpoint, out var ready))
            {
                // The first call opens the connection; everything picked before it is up waits for it.
                ready = connected[endpoint] = now + wire.SetUp[endpoint];
                if (wire.SetUpStallsTheClient)
                {
                    // A cold client shares its threads with the set-up: every call in flight ends no earlier than it.
                    var stalled = new List<(PickResult<string>, DateTimeOffset)>();
                    while (pending.TryDequeue(out var other, out var at))
                    {
                        stalled.Add((other, at > ready ? at : ready));
                    }

                    foreach (var (other, at) in stalled)
                    {
                        pending.Enqueue(other, at);
                    }
                }
            }

            var end = now + s_steady;
            pending.Enqueue(pick, end > ready ? end : ready);
        }

        for (var i = 0; i < Callers; i++)
        {
            StartCall();
        }

        while (pending.TryDequeue(out var pick, out var at))
        {
            if (!joined && at - start >= joinAt)
            {
                time.Advance(joinAt - (time.GetUtcNow() - start));
                join();
                joined = true;
            }

            if (at > time.GetUtcNow())
            {
                time.Advance(at - time.GetUtcNow());
            }

            balancer.Complete(pick, PickFeedback.Succeeded);
            if (time.GetUtcNow() - start < duration)
            {
                StartCall();
            }
        }

        return window;
    }

    private static double Share(List<string> picks, string endpoint) => (double)picks.Count(p => p == endpoint) / picks.Count;

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Pick_TwoSubchannelsReadyWithinASecond_EachGetsBetween30And70PercentOfTheFirstSecond(long seed, bool setUpStallsTheClient)
    {
        var time = new FakeTimeProvider();
        var balancer = new P2CBalancer<string>("feed", new P2CBalancerOptions(), time, seed);
        balancer.UpdateEndpoints([new("a", "a")]);
        // a's set-up is a cold start (the first call in the process); b's only opens a connection.
        var wire = new Wire(new() { ["a"] = TimeSpan.FromMilliseconds(300), ["b"] = TimeSpan.FromMilliseconds(40) }, setUpStallsTheClient);

        var picks = Run(balancer, time, wire, TimeSpan.FromMilliseconds(200), () => balancer.UpdateEndpoints([new("a", "a"), new("b", "b")]), TimeSpan.FromSeconds(3));

        Assert.True(picks.Count >= 100, $"only {picks.Count} calls in the first second");
        Assert.InRange(Share(picks, "a"), 0.30, 0.70);
        Assert.InRange(Share(picks, "b"), 0.30, 0.70);
    }

    [Fact]
    public void Pick_EndpointJoinsAnEstablishedSet_StillSlowStarts()
    {
        var time = new FakeTimeProvider();
        var balancer = new P2CBalancer<string>("feed", new P2CBalancerOptions(), time, 1);
        balancer.UpdateEndpoints([new("a", "a")]);
        time.Advance(TimeSpan.FromMinutes(1));
        var wire = new Wire(new() { ["a"] = TimeSpan.Zero, ["late"] = TimeSpan.FromMilliseconds(40) });

        var picks = Run(balancer, time, wire, TimeSpan.Zero, () => balancer.UpdateEndpoints([new("a", "a"), new("late", "late")]), TimeSpan.FromSeconds(1));

        Assert.InRange(Share(picks, "late"), 0.0, 0.25);
    }
}
