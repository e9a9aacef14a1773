using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

/// <summary>
/// A deterministic discrete-event simulation of many clients balancing over many servers: Poisson arrivals,
/// network jitter, log-normal service times with a long tail, slow and failing servers, load spikes, servers that
/// join later, client timeouts. One seeded <see cref="Random"/> drives everything and time is simulated, so a run
/// takes well under a second and the same scenario always gives the same result.
/// </summary>
public sealed class LoadBalancingSimulation
{
    private readonly SimulationScenario _scenario;
    private readonly SimulationClock _clock = new();
    private readonly Random _random;
    private readonly PriorityQueue<Action, (long Time, long Sequence)> _events = new();
    private readonly List<ILoadBalancer<SimServerSpec>> _balancers = [];
    private readonly Dictionary<SimServerSpec, ServerState> _servers = [];
    private readonly List<double> _latencies = [];
    private readonly Dictionary<string, long> _perServer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _perServerPerSecond = new(StringComparer.Ordinal);
    private long _sequence;
    private long _requests;
    private long _failures;

    public LoadBalancingSimulation(SimulationScenario scenario)
    {
        _scenario = scenario;
        _random = new Random((int)scenario.Seed);
    }

    public static SimulationResult Run(SimulationScenario scenario) => new LoadBalancingSimulation(scenario).Run();

    public SimulationResult Run()
    {
        var seconds = (int)Math.Ceiling(_scenario.Duration.TotalSeconds) + 1;
        foreach (var spec in _scenario.Servers)
        {
            _servers[spec] = new ServerState(spec);
            _perServer[spec.Name] = 0;
            _perServerPerSecond[spec.Name] = new long[seconds];
        }

        for (var i = 0; i < _scenario.Clients; i++)
        {
            var balancer = _scenario.BalancerFactory(i, _clock, (_scenario.Seed * 7919) + i);
            _balancers.Add(balancer);
            UpdateEndpoints(balancer);
            var client = i;
            Schedule(NextArrivalDelay(), () => Arrive(client));
        }

        foreach (var spec in _scenario.Servers)
        {
            if (spec.JoinsAt is { } joinsAt)
            {
                Schedule(joinsAt.Ticks, () =>
                {
                    _servers[spec].Joined = true;
                    foreach (var balancer in _balancers)
                    {
                        UpdateEndpoints(balancer);
                    }
                });
            }
            else
            {
                _servers[spec].Joined = true;
            }
        }

        foreach (var balancer in _balancers)
        {
            UpdateEndpoints(balancer);
        }

        var end = _clock.Ticks + _scenario.Duration.Ticks;
        while (_events.TryDequeue(out var action, out var key))
        {
            if (key.Time > end)
            {
                break;
            }

            _clock.Ticks = key.Time;
            action();
        }

        _latencies.Sort();
        return new SimulationResult
        {
            RequestsPerServer = _perServer,
            RequestsPerServerPerSecond = _perServerPerSecond,
            LatenciesMs = [.. _latencies],
            Requests = _requests,
            Failures = _failures,
        };
    }

    private TimeSpan Since => TimeSpan.FromTicks(_clock.Ticks - TimeSpan.TicksPerSecond);

    private void UpdateEndpoints(ILoadBalancer<SimServerSpec> balancer)
    {
        var endpoints = new List<BalancerEndpoint<SimServerSpec>>();
        foreach (var spec in _scenario.Servers)
        {
            if (_servers.TryGetValue(spec, out var state) && state.Joined)
            {
                endpoints.Add(new BalancerEndpoint<SimServerSpec>(spec, spec.Name));
            }
        }

        balancer.UpdateEndpoints(endpoints.ToArray());
    }

    private void Schedule(long delayTicks, Action action)
        => _events.Enqueue(action, (_clock.Ticks + Math.Max(0, delayTicks), _sequence++));

    private long NextArrivalDelay()
    {
        var rate = _scenario.RequestsPerSecond / _scenario.Clients;
        if (_scenario.TrafficSpike is { } spike && Since >= spike.From && Since < spike.To)
        {
            rate *= spike.Factor;
        }

        return (long)(-Math.Log(1.0 - _random.NextDouble()) / rate * TimeSpan.TicksPerSecond);
    }

    private long NetworkDelay()
    {
        var half = _scenario.NetworkDelay.Ticks / 2.0;
        return (long)(half + (-Math.Log(1.0 - _random.NextDouble()) * half));
    }

    private void Arrive(int client)
    {
        Schedule(NextArrivalDelay(), () => Arrive(client));
        var balancer = _balancers[client];
        var pick = balancer.Pick();
        if (!pick.HasEndpoint)
        {
            return;
        }

        var request = new Request(balancer, pick, _clock.Ticks, Since >= _scenario.Warmup);
        if (request.Measured)
        {
            _requests++;
            _perServer[pick.Endpoint!.Name]++;
            var second = (int)Since.TotalSeconds;
            var buckets = _perServerPerSecond[pick.Endpoint.Name];
            if (second < buckets.Length)
            {
                buckets[second]++;
            }
        }

        Schedule(_scenario.ClientTimeout.Ticks, () => Finish(request, success: false));
        var server = _servers[pick.Endpoint!];
        Schedule(NetworkDelay(), () => server.Enqueue(this, request));
    }

    private void Finish(Request request, bool success)
    {
        if (request.Done)
        {
            return;
        }

        request.Done = true;
        request.Balancer.Complete(request.Pick, new PickFeedback(success));
        if (request.Measured)
        {
            _latencies.Add((_clock.Ticks - request.StartTicks) / (double)TimeSpan.TicksPerMillisecond);
            if (!success)
            {
                _failures++;
            }
        }
    }

    private long ServiceTicks(SimServerSpec spec, out bool success)
    {
        if (spec.FailureRate > 0 && _random.NextDouble() < spec.FailureRate)
        {
            success = false;
            return spec.FailureTime.Ticks;
        }

        success = true;
        // Log-normal with mean 1: exp(sigma * z - sigma^2 / 2), z from Box-Muller.
        var sigma = _scenario.ServiceJitterSigma;
        var z = Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble())) * Math.Cos(2.0 * Math.PI * _random.NextDouble());
        var factor = Math.Exp((sigma * z) - (sigma * sigma / 2)) * spec.SlowFactor;
        if (_random.NextDouble() < _scenario.TailProbability)
        {
            factor *= _scenario.TailFactor;
        }

        if (spec.Spike is { } spike && Since >= spike.From && Since < spike.To)
        {
            factor *= spike.Factor;
        }

        return (long)(spec.ServiceTime.Ticks * factor);
    }

    private sealed class Request(ILoadBalancer<SimServerSpec> balancer, PickResult<SimServerSpec> pick, long startTicks, bool measured)
    {
        public ILoadBalancer<SimServerSpec> Balancer { get; } = balancer;

        public PickResult<SimServerSpec> Pick { get; } = pick;

        public long StartTicks { get; } = startTicks;

        public bool Measured { get; } = measured;

        public bool Done { get; set; }
    }

    private sealed class ServerState(SimServerSpec spec)
    {
        private readonly Queue<Request> _queue = new();
        private int _busy;

        public bool Joined { get; set; }

        public void Enqueue(LoadBalancingSimulation sim, Request request)
        {
            if (_busy < spec.Workers)
            {
                Start(sim, request);
            }
            else
            {
                _queue.Enqueue(request);
            }
        }

        private void Start(LoadBalancingSimulation sim, Request request)
        {
            _busy++;
            var ticks = sim.ServiceTicks(spec, out var success);
            sim.Schedule(ticks, () =>
            {
                _busy--;
                sim.Schedule(sim.NetworkDelay(), () => sim.Finish(request, success));
                if (_queue.TryDequeue(out var next))
                {
                    Start(sim, next);
                }
            });
        }
    }
}
