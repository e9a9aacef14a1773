using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

/// <summary>
/// The start-up skew of a new gRPC channel: grpc-dotnet publishes a picker each time a subchannel turns Ready, so the
/// balancer sees [a] and then [a, b]. Driven on a fake clock by a closed loop of callers, each call's latency decided
/// by the endpoint; every endpoint's first call pays the connection set-up.
/// </summary>
public sealed class P2CStartupTests
{
    private const int Callers = 8;
    private static readonly TimeSpan s_steady = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs the callers for <paramref name="duration"/> and counts the picks of each endpoint.</summary>
    private static Dictionary<string, int> Run(P2CBalancer<string> balancer, FakeTimeProvider time, TimeSpan duration, Func<string, int, TimeSpan> latency)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var calls = new Dictionary<string, int>(StringComparer.Ordinal);
        var end = time.GetUtcNow() + duration;
        var pending = new PriorityQueue<PickResult<string>, DateTimeOffset>();
        void Start()
        {
            var pick = balancer.Pick();
            var endpoint = pick.Endpoint!;
            counts[endpoint] = counts.GetValueOrDefault(endpoint) + 1;
            var n = calls[endpoint] = calls.GetValueOrDefault(endpoint) + 1;
            pending.Enqueue(pick, time.GetUtcNow() + latency(endpoint, n));
        }

        for (var i = 0; i < Callers; i++)
        {
            Start();
        }

        while (pending.TryDequeue(out var pick, out var at))
        {
            if (at > time.GetUtcNow())
            {
                time.Advance(at - time.GetUtcNow());
            }

            balancer.Complete(pick, PickFeedback.Succeeded);
            if (time.GetUtcNow() < end)
            {
                Start();
            }
        }

        return counts;
    }

    private static double Share(Dictionary<string, int> counts, string endpoint) => (double)counts.GetValueOrDefault(endpoint) / counts.Values.Sum();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Pick_TwoSubchannelsReadyWithinASecond_EachGetsBetween30And70PercentOfTheFirstSecond(long seed)
    {
        var time = new FakeTimeProvider();
        var balancer = new P2CBalancer<string>("feed", new P2CBalancerOptions(), time, seed);
        balancer.UpdateEndpoints([new("a", "a")]);
        time.Advance(TimeSpan.FromMilliseconds(800));
        balancer.UpdateEndpoints([new("a", "a"), new("b", "b")]);

        // Every endpoint's first call pays the HTTP/2 handshake; a's also the server's first-call warm-up.
        var counts = Run(balancer, time, TimeSpan.FromSeconds(1), (endpoint, n) => n > 1 ? s_steady : TimeSpan.FromMilliseconds(endpoint == "a" ? 200 : 20));

        Assert.InRange(Share(counts, "a"), 0.30, 0.70);
        Assert.InRange(Share(counts, "b"), 0.30, 0.70);
    }

    [Fact]
    public void Pick_EndpointJoinsAnEstablishedSet_StillSlowStarts()
    {
        var time = new FakeTimeProvider();
        var balancer = new P2CBalancer<string>("feed", new P2CBalancerOptions(), time, 1);
        balancer.UpdateEndpoints([new("a", "a")]);
        time.Advance(TimeSpan.FromMinutes(1));
        balancer.UpdateEndpoints([new("a", "a"), new("late", "late")]);

        var counts = Run(balancer, time, TimeSpan.FromSeconds(1), (_, _) => s_steady);

        Assert.InRange(Share(counts, "late"), 0.0, 0.25);
    }
}
