// Facade of NuGet package Grpc.Net.Client 2.80.0, assembly Grpc.Net.Client (namespace Grpc.Net.Client.Balancer).
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Net.Client/Balancer/LoadBalancer.cs,
// SubchannelsLoadBalancer.cs, SubchannelPicker.cs, PickContext.cs, PickResult.cs,
// ISubchannelCallTracker.cs, CompletionContext.cs, Subchannel.cs, SubchannelOptions.cs,
// SubchannelState.cs, BalancerAddress.cs, BalancerAttributes.cs, BalancerAttributesKey.cs,
// BalancerState.cs, ChannelState.cs, IChannelControlHelper.cs, LoadBalancerOptions.cs.
// Constructors that are internal in the real assembly are private here. Bodies throw.
// Never referenced by shipped projects.
#nullable enable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Grpc.Net.Client.Balancer
{
    public sealed class BalancerAddress
    {
        public BalancerAddress(DnsEndPoint endPoint) { }

        public BalancerAddress(string host, int port) { }

        public DnsEndPoint EndPoint => throw null!;

        public BalancerAttributes Attributes => throw null!;
    }

    public sealed class BalancerAttributes : IDictionary<string, object?>, IReadOnlyDictionary<string, object?>
    {
        public static readonly BalancerAttributes Empty = null!;

        public BalancerAttributes() { }

        public bool TryGetValue<TValue>(BalancerAttributesKey<TValue> key, [MaybeNullWhen(false)] out TValue value) => throw null!;

        public void Set<TValue>(BalancerAttributesKey<TValue> key, TValue value) { }

        public bool Remove<TValue>(BalancerAttributesKey<TValue> key) => throw null!;

        object? IDictionary<string, object?>.this[string key] { get => throw null!; set { } }

        object? IReadOnlyDictionary<string, object?>.this[string key] => throw null!;

        ICollection<string> IDictionary<string, object?>.Keys => throw null!;

        IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => throw null!;

        ICollection<object?> IDictionary<string, object?>.Values => throw null!;

        IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => throw null!;

        int ICollection<KeyValuePair<string, object?>>.Count => throw null!;

        int IReadOnlyCollection<KeyValuePair<string, object?>>.Count => throw null!;

        bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => throw null!;

        void IDictionary<string, object?>.Add(string key, object? value) { }

        void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) { }

        void ICollection<KeyValuePair<string, object?>>.Clear() { }

        bool ICollection<KeyValuePair<string, object?>>.Contains(KeyValuePair<string, object?> item) => throw null!;

        bool IDictionary<string, object?>.ContainsKey(string key) => throw null!;

        bool IReadOnlyDictionary<string, object?>.ContainsKey(string key) => throw null!;

        void ICollection<KeyValuePair<string, object?>>.CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) { }

        IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => throw null!;

        IEnumerator IEnumerable.GetEnumerator() => throw null!;

        bool IDictionary<string, object?>.Remove(string key) => throw null!;

        bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) => throw null!;

        bool IDictionary<string, object?>.TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => throw null!;

        bool IReadOnlyDictionary<string, object?>.TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => throw null!;
    }

    public readonly struct BalancerAttributesKey<TValue>
    {
        public BalancerAttributesKey(string key) { }

        public string Key => throw null!;
    }

    public sealed class BalancerState
    {
        public BalancerState(ConnectivityState connectivityState, SubchannelPicker picker) { }

        public ConnectivityState ConnectivityState => throw null!;

        public SubchannelPicker Picker => throw null!;
    }

    public sealed class ChannelState
    {
        private ChannelState() { }

        public IReadOnlyList<BalancerAddress>? Addresses => throw null!;

        public Configuration.LoadBalancingConfig? LoadBalancingConfig => throw null!;

        public Status Status => throw null!;

        public BalancerAttributes Attributes => throw null!;
    }

    public sealed class CompletionContext
    {
        public BalancerAddress? Address { get; set; }

        public Exception? Error { get; set; }
    }

    public interface IChannelControlHelper
    {
        Subchannel CreateSubchannel(SubchannelOptions options);

        void UpdateState(BalancerState state);

        void RefreshResolver();
    }

    public interface ISubchannelCallTracker
    {
        void Start();

        void Complete(CompletionContext context);
    }

    public abstract class LoadBalancer : IDisposable
    {
        public abstract void UpdateChannelState(ChannelState state);

        public abstract void RequestConnection();

        protected virtual void Dispose(bool disposing) { }

        public void Dispose() { }
    }

    public abstract class LoadBalancerFactory
    {
        public abstract string Name { get; }

        public abstract LoadBalancer Create(LoadBalancerOptions options);
    }

    public sealed class LoadBalancerOptions
    {
        public LoadBalancerOptions(IChannelControlHelper controller, ILoggerFactory loggerFactory, IDictionary<string, object> configuration) { }

        public IChannelControlHelper Controller => throw null!;

        public ILoggerFactory LoggerFactory => throw null!;

        public IDictionary<string, object> Configuration => throw null!;
    }

    public sealed class PickContext
    {
        public HttpRequestMessage? Request { get; set; }
    }

    public sealed class PickResult
    {
        private PickResult() { }

        public PickResultType Type => throw null!;

        public Subchannel? Subchannel => throw null!;

        public Status Status => throw null!;

        public ISubchannelCallTracker? SubchannelCallTracker => throw null!;

        public static PickResult ForSubchannel(Subchannel subchannel, ISubchannelCallTracker? subchannelCallTracker = null) => throw null!;

        public static PickResult ForFailure(Status status) => throw null!;

        public static PickResult ForDrop(Status status) => throw null!;

        public static PickResult ForQueue() => throw null!;
    }

    public enum PickResultType
    {
        Complete,
        Queue,
        Fail,
        Drop
    }

    public sealed class Subchannel : IDisposable
    {
        private Subchannel() { }

        public BalancerAddress? CurrentAddress => throw null!;

        public BalancerAttributes Attributes => throw null!;

        public IDisposable OnStateChanged(Action<SubchannelState> callback) => throw null!;

        public void UpdateAddresses(IReadOnlyList<BalancerAddress> addresses) { }

        public void RequestConnection() { }

        public IReadOnlyList<BalancerAddress> GetAddresses() => throw null!;

        public void Dispose() { }
    }

    public sealed class SubchannelOptions
    {
        public SubchannelOptions(IReadOnlyList<BalancerAddress> addresses) { }

        public IReadOnlyList<BalancerAddress> Addresses => throw null!;
    }

    public abstract class SubchannelPicker
    {
        public abstract PickResult Pick(PickContext context);
    }

    public abstract class SubchannelsLoadBalancer : LoadBalancer
    {
        protected SubchannelsLoadBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory) { }

        protected IChannelControlHelper Controller => throw null!;

        protected ConnectivityState State => throw null!;

        public override void UpdateChannelState(ChannelState state) { }

        public override void RequestConnection() { }

        protected override void Dispose(bool disposing) { }

        protected abstract SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels);
    }

    public sealed class SubchannelState
    {
        private SubchannelState() { }

        public ConnectivityState State => throw null!;

        public Status Status => throw null!;
    }
}
