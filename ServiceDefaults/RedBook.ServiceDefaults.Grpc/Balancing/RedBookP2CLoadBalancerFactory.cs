using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc.Client;
using RedBook.ServiceDefaults.Metadata;
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
        return new P2CSubchannelsLoadBalancer(options.Controller, options.LoggerFactory, _balancers, service, _timeProvider);
    }

    /// <summary>
    /// Keeps the channel's P2C balancers: one over every ready subchannel, and one per traffic colour over the subchannels
    /// that may serve it (<see cref="EndpointColorFilter"/>), created on the first call of that colour. Every picker rebuild
    /// updates each of them, keyed by address, so statistics survive rebuilds.
    /// </summary>
    private sealed class P2CSubchannelsLoadBalancer(
        IChannelControlHelper controller, ILoggerFactory loggerFactory, RedBookBalancers factory, string service, TimeProvider timeProvider)
        : SubchannelsLoadBalancer(controller, loggerFactory)
    {
        private readonly ConcurrentDictionary<string, P2CBalancer<Subchannel>> _byColor = new(StringComparer.OrdinalIgnoreCase);
        private readonly P2CBalancer<Subchannel> _all = factory.CreateP2C<Subchannel>(service);
        private volatile Subchannel[] _ready = [];

        protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
        {
            var ready = readySubchannels.Where(s => s.CurrentAddress is not null).ToArray();
            _ready = ready;
            _all.UpdateEndpoints(ToEndpoints(ready, color: null, everyColor: true));
            foreach (var (color, balancer) in _byColor)
            {
                balancer.UpdateEndpoints(ToEndpoints(ready, color, everyColor: false));
            }

            return new P2CPicker(this, timeProvider);
        }

        /// <summary>The balancer of <paramref name="color"/>'s traffic (uncoloured traffic: every subchannel that has no colour).</summary>
        public P2CBalancer<Subchannel> BalancerOf(string? color)
        {
            var key = color ?? string.Empty;
            if (_byColor.TryGetValue(key, out var balancer))
            {
                return balancer;
            }

            if (key.Length == 0 && _ready.All(s => ColorOf(s) is null))
            {
                return _all; // no coloured instance: uncoloured traffic uses the balancer of every subchannel.
            }

            return _byColor.GetOrAdd(key, k =>
            {
                var created = factory.CreateP2C<Subchannel>(service);
                created.UpdateEndpoints(ToEndpoints(_ready, k.Length == 0 ? null : k, everyColor: false));
                return created;
            });
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _all.Dispose();
                foreach (var balancer in _byColor.Values)
                {
                    balancer.Dispose();
                }
            }
        }

        private static string? ColorOf(Subchannel subchannel) =>
            subchannel.CurrentAddress?.Attributes.TryGetValue(GrpcAddressAttributes.Color, out var color) == true && color.Length > 0 ? color : null;

        private static BalancerEndpoint<Subchannel>[] ToEndpoints(Subchannel[] ready, string? color, bool everyColor)
        {
            IEnumerable<Subchannel> eligible = ready;
            if (!everyColor)
            {
                var matching = ready.Where(s => EndpointColorFilter.Matches(ColorOf(s), color)).ToArray();
                eligible = matching.Length > 0 || color is null ? matching : ready.Where(s => ColorOf(s) is null);
            }

            return [.. eligible.Select(static s =>
            {
                var address = s.CurrentAddress!;
                var weight = address.Attributes.TryGetValue(GrpcAddressAttributes.Weight, out var w) ? w : 100;
                DateTimeOffset? registeredAt = address.Attributes.TryGetValue(GrpcAddressAttributes.RegisteredAt, out var r) ? r : null;
                return new BalancerEndpoint<Subchannel>(s, GrpcBalancerAdapter.AddressKey(address.EndPoint), weight, registeredAt);
            })];
        }
    }

    /// <summary>
    /// Picks with the balancer of the call's colour (its <c>x-md-global-color</c> header, else the ambient metadata's), records
    /// the picked address's scheme for <see cref="GrpcEndpointSchemeHandler"/>, and tracks the call for the balancer.
    /// </summary>
    private sealed class P2CPicker(P2CSubchannelsLoadBalancer owner, TimeProvider timeProvider) : SubchannelPicker
    {
        public override GrpcPickResult Pick(PickContext context)
        {
            var request = context?.Request;
            var balancer = owner.BalancerOf(ColorOf(request));
            var pick = balancer.Pick();
            if (pick.Endpoint is not { } subchannel)
            {
                return GrpcPickResult.ForFailure(new Status(StatusCode.Unavailable, $"{LoadBalancingConstants.NoEndpointsReason}: no ready endpoint serves this call's traffic colour."));
            }

            if (request is not null && subchannel.CurrentAddress?.Attributes.TryGetValue(GrpcAddressAttributes.Scheme, out var scheme) == true)
            {
                request.Options.Set(GrpcEndpointSchemeHandler.SchemeKey, scheme);
            }

            return GrpcPickResult.ForSubchannel(subchannel, new Tracker(new BalancerCallTracker<Subchannel>(balancer, pick, timeProvider, request)));
        }

        private static string? ColorOf(HttpRequestMessage? request)
        {
            if (request is not null && request.Headers.TryGetValues(RedBookHeaders.Color, out var values))
            {
                foreach (var value in values)
                {
                    return value.Length > 0 ? value : null;
                }
            }

            return RequestMetadata.Current?.Color;
        }
    }

    private sealed class Tracker(BalancerCallTracker<Subchannel> tracker) : ISubchannelCallTracker
    {
        public void Start() => tracker.Start();

        public void Complete(CompletionContext context) => tracker.Complete(context?.Error);
    }
}
