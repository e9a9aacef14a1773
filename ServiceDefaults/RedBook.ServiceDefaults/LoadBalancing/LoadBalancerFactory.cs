using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// Creates P2C balancers whose options follow <c>RedBook:LoadBalancing</c> / <c>RedBook:LoadBalancing:{service}</c>,
/// and keeps one balancer of resolved <see cref="ServiceEndpoint"/>s per service. Registered by
/// <see cref="LoadBalancingServiceCollectionExtensions.AddRedBookLoadBalancing"/>.
/// </summary>
public sealed class LoadBalancerFactory : IDisposable
{
    private readonly IOptionsMonitor<P2CBalancerOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, P2CBalancer<ServiceEndpoint>> _byService = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the factory.</summary>
    public LoadBalancerFactory(IOptionsMonitor<P2CBalancerOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The shared balancer of <paramref name="serviceName"/>'s endpoints (created on first use, empty until updated).</summary>
    public P2CBalancer<ServiceEndpoint> GetBalancer(string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        return _byService.GetOrAdd(serviceName, static (name, self) => self.CreateP2C<ServiceEndpoint>(name), this);
    }

    /// <summary>
    /// Creates a new P2C balancer over <typeparamref name="TEndpoint"/> (a gRPC subchannel, say) for
    /// <paramref name="serviceName"/>. The caller owns it and disposes it to stop following the options.
    /// </summary>
    public P2CBalancer<TEndpoint> CreateP2C<TEndpoint>(string serviceName, long? seed = null)
        where TEndpoint : class
        => new(serviceName, _options, _timeProvider, seed);

    /// <summary>Disposes the shared balancers.</summary>
    public void Dispose()
    {
        foreach (var balancer in _byService.Values)
        {
            balancer.Dispose();
        }

        _byService.Clear();
    }
}
