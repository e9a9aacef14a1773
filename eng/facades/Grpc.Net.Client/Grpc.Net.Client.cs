// Facade of NuGet package Grpc.Net.Client 2.80.0, assembly Grpc.Net.Client.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Net.Client/GrpcChannel.cs, GrpcChannelOptions.cs,
// Configuration/ConfigObject.cs, Configuration/ServiceConfig.cs, Configuration/LoadBalancingConfig.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;

namespace Grpc.Net.Client
{
    public sealed partial class GrpcChannel : ChannelBase, IDisposable
    {
        private GrpcChannel() : base(default!) { }

        public override CallInvoker CreateCallInvoker() => throw null!;

        public static GrpcChannel ForAddress(string address) => throw null!;

        public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions) => throw null!;

        public static GrpcChannel ForAddress(Uri address) => throw null!;

        public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions) => throw null!;

        public Task ConnectAsync(CancellationToken cancellationToken = default) => throw null!;

        public ConnectivityState State => throw null!;

        public Task WaitForStateChangedAsync(ConnectivityState lastObservedState, CancellationToken cancellationToken = default) => throw null!;

        public void Dispose() { }
    }

    public sealed class GrpcChannelOptions
    {
        public GrpcChannelOptions() { }

        public int? MaxSendMessageSize { get; set; }

        public int? MaxReceiveMessageSize { get; set; }

        public int? MaxRetryAttempts { get; set; }

        public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

        public HttpClient? HttpClient { get; set; }

        public HttpMessageHandler? HttpHandler { get; set; }

        public bool DisposeHttpClient { get; set; }

        public bool ThrowOperationCanceledOnCancellation { get; set; }

        public Configuration.ServiceConfig? ServiceConfig { get; set; }

        public bool DisableResolverServiceConfig { get; set; }

        public TimeSpan? MaxReconnectBackoff { get => throw null!; set { } }

        public TimeSpan InitialReconnectBackoff { get => throw null!; set { } }

        public IServiceProvider? ServiceProvider { get; set; }

        public Version? HttpVersion { get; set; }

        public HttpVersionPolicy? HttpVersionPolicy { get; set; }
    }
}

namespace Grpc.Net.Client.Configuration
{
    public abstract class ConfigObject
    {
        internal ConfigObject() { }

        public IDictionary<string, object> Inner => throw null!;
    }

    public class LoadBalancingConfig : ConfigObject
    {
        public const string PickFirstPolicyName = "pick_first";

        public const string RoundRobinPolicyName = "round_robin";

        public LoadBalancingConfig(string loadBalancingPolicyName) { }

        public string PolicyName => throw null!;
    }

    public sealed class ServiceConfig : ConfigObject
    {
        public ServiceConfig() { }

        public IList<LoadBalancingConfig> LoadBalancingConfigs => throw null!;
    }
}
