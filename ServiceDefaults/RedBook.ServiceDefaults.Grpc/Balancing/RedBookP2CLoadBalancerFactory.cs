using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.LoadBalancing;
using GrpcLoadBalancerFactory = Grpc.Net.Client.Balancer.LoadBalancerFactory;
using GrpcPickResult = Grpc.Net.Client.Balancer.PickResult;
using RedBookBalancers = RedBook.ServiceDefaults.LoadBalancing.LoadBalancerFactory;

namespace RedBook.ServiceDefaults.Grpc.Balancing;

/// <summary>
/// The grpc-dotnet load-balancing policy <c>redbook_p2c</c>: RedBook's P2C+EWMA balancer over the channel's ready
/// subchannels. Registered by <see cref="GrpcLoadBalancingExtensions.AddRedBookGrpcLoadBalancing"/>; a channel selects
/// it with <see cref="GrpcLoadBalancingExtensions.UseRedBookP2C"/>. The options are <c>RedBook:LoadBalancing</c> /
/// <c>RedBook:LoadBalancing:{service}</c>, where the service is the policy config's <c>service</c> value (or
/// <see cref="DefaultServiceName"/>).
/// </summary>
public sealed class RedBookP2CLoadBalancerFactory : GrpcLoadBalancerFactory
{
    /// <summary>The policy name: <c>redbook_p2c</c>.</summary>
    public const string PolicyName = "redbook_p2c";

    /// <summary>The options name used when the policy config names no service: <c>grpc</c>.</summary>
    public const string DefaultServiceName = "grpc";

    /// <summary>The policy config key that names the service (the named options instance).</summary>
    public const string ServiceConfigKey = "service";

    private readonly RedBookBalancers _balancers;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the factory over RedBook's balancer factory.</summary>
    public RedBookP2CLoadBalancerFactory(RedBookBalancers balancers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(balancers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _balancers = balancers;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public override string Name => PolicyName;

    /// <inheritdoc />
    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var service = options.Configuration.TryGetValue(ServiceConfigKey, out var value) && value is string { Length: > 0 } name
            ? name
            : DefaultServiceName;
        return new P2CSubchannelsLoadBalancer(options.Controller, options.LoggerFactory, _balancers.CreateP2C<Subchannel>(service), _timeProvider);
    }

    /// <summary>Keeps one P2C balancer per channel; every picker rebuild updates its endpoint set, keyed by address.</summary>
    private sealed class P2CSubchannelsLoadBalancer(
        IChannelControlHelper controller, ILoggerFactory loggerFactory, P2CBalancer<Subchannel> balancer, TimeProvider timeProvider)
        : SubchannelsLoadBalancer(controller, loggerFactory)
    {
        protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
        {
            balancer.UpdateEndpoints(GrpcBalancerAdapter.ToBalancerEndpoints(readySubchannels, static s => s.CurrentAddress?.EndPoint));
            return new P2CPicker(balancer, timeProvider);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                balancer.Dispose();
            }
        }
    }

    private sealed class P2CPicker(P2CBalancer<Subchannel> balancer, TimeProvider timeProvider) : SubchannelPicker
    {
        public override GrpcPickResult Pick(PickContext context)
        {
            var pick = balancer.Pick();
            return pick.Endpoint is { } subchannel
                ? GrpcPickResult.ForSubchannel(subchannel, new Tracker(new BalancerCallTracker<Subchannel>(balancer, pick, timeProvider, context?.Request)))
                : GrpcPickResult.ForQueue();
        }
    }

    private sealed class Tracker(BalancerCallTracker<Subchannel> tracker) : ISubchannelCallTracker
    {
        public void Start() => tracker.Start();

        public void Complete(CompletionContext context) => tracker.Complete(context?.Error);
    }
}
