using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class RoundRobinBalancerTests
{
    [Fact]
    public void Pick_ThreeEndpoints_CyclesInOrder()
    {
        var balancer = new RoundRobinBalancer<string>("svc", new FakeTimeProvider());
        balancer.UpdateEndpoints([new("a", "a"), new("b", "b"), new("c", "c")]);

        var picks = Enumerable.Range(0, 6).Select(_ =>
        {
            var p = balancer.Pick();
            balancer.Complete(p, PickFeedback.Failed);
            return p.Endpoint!;
        }).ToArray();

        Assert.Equal(new[] { "a", "b", "c", "a", "b", "c" }, picks);
        Assert.All(balancer.GetSnapshot(), s => Assert.Equal((2L, 0L), (s.Picks, s.InFlight)));
    }

    [Fact]
    public void Pick_Empty_ReturnsNoEndpoint()
        => Assert.False(new RoundRobinBalancer<string>("svc").Pick().HasEndpoint);
}
