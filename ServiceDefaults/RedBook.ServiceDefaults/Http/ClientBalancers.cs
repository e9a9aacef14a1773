using RedBook.ServiceDefaults.Discovery;

namespace RedBook.ServiceDefaults.Http;

/// <summary>Picks one endpoint of a service for one attempt; the client pipeline drives it.</summary>
internal interface IClientBalancer
{
    /// <summary>The endpoint set this balancer was built over.</summary>
    ServiceEndpointSet Endpoints { get; }

    /// <summary>Picks an endpoint. <see cref="BalancerPick.Completion"/>, when set, must be completed exactly once.</summary>
    BalancerPick Pick();
}

/// <summary>Told how an attempt on a picked endpoint ended, so the balancer can learn from it.</summary>
internal interface IPickCompletion
{
    /// <summary>Reports the attempt's latency, whether it succeeded, and the server's CPU (per mille) when it reported one.</summary>
    void Complete(TimeSpan latency, bool success, int? serverCpu);
}

/// <summary>One pick: the endpoint, and the completion to report the attempt's end to.</summary>
internal readonly record struct BalancerPick(ServiceEndpoint Endpoint, IPickCompletion? Completion);

/// <summary>Round robin over the set, the baseline the load lab compares P2C against. It learns nothing.</summary>
internal sealed class RoundRobinBalancer(ServiceEndpointSet endpoints) : IClientBalancer
{
    private int _next = -1;

    public ServiceEndpointSet Endpoints { get; } = endpoints;

    public BalancerPick Pick()
    {
        var list = Endpoints.Endpoints;
        var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)list.Count);
        return new BalancerPick(list[index], null);
    }
}
