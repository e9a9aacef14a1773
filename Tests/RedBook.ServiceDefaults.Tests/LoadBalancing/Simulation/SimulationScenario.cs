using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

/// <summary>One simulated server: <see cref="Workers"/> parallel slots and a FIFO queue in front of them.</summary>
public sealed record SimServerSpec(string Name)
{
    /// <summary>Mean service time of a healthy request.</summary>
    public TimeSpan ServiceTime { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Parallel slots; further requests queue.</summary>
    public int Workers { get; init; } = 8;

    /// <summary>A permanent slowdown (10 = ten times slower).</summary>
    public double SlowFactor { get; init; } = 1.0;

    /// <summary>The share of requests that fail (answered fast, after <see cref="FailureTime"/>).</summary>
    public double FailureRate { get; init; }

    /// <summary>How long a failing request takes.</summary>
    public TimeSpan FailureTime { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A temporary load spike on this server: from, to (since the start), slowdown factor.</summary>
    public (TimeSpan From, TimeSpan To, double Factor)? Spike { get; init; }

    /// <summary>When the server joins the clients' endpoint sets (null: from the start).</summary>
    public TimeSpan? JoinsAt { get; init; }
}

/// <summary>A whole simulated system: servers, clients, traffic, noise, and the balancer each client uses.</summary>
public sealed record SimulationScenario
{
    public required IReadOnlyList<SimServerSpec> Servers { get; init; }

    /// <summary>Creates the balancer of client <c>i</c>, reading the simulated clock; the long is a per-client seed.</summary>
    public required Func<int, TimeProvider, long, ILoadBalancer<SimServerSpec>> BalancerFactory { get; init; }

    public int Clients { get; init; } = 8;

    /// <summary>Total request rate of all clients (open loop, Poisson arrivals).</summary>
    public double RequestsPerSecond { get; init; } = 2400;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests that start before this are not measured (the balancers' statistics warm up).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Mean one-way network delay; each way is a fixed half plus an exponential half (jitter).</summary>
    public TimeSpan NetworkDelay { get; init; } = TimeSpan.FromMilliseconds(0.5);

    /// <summary>Log-normal sigma of the service time (per-request jitter).</summary>
    public double ServiceJitterSigma { get; init; } = 0.25;

    /// <summary>The share of requests with a long tail, and how much longer they take.</summary>
    public double TailProbability { get; init; } = 0.003;

    public double TailFactor { get; init; } = 8.0;

    /// <summary>A global traffic spike: from, to, rate multiplier.</summary>
    public (TimeSpan From, TimeSpan To, double Factor)? TrafficSpike { get; init; }

    /// <summary>The client gives up after this and reports a failure.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public long Seed { get; init; } = 1;
}
