// Facade of NuGet package Aspire.Hosting 13.5.2, assembly Aspire.Hosting.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting/api/Aspire.Hosting.cs (namespace Aspire.Hosting).
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
// The real assembly uses its own experimental types inside itself too.
#pragma warning disable ASPIRECOMPUTE003, ASPIREPROBES001
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting
{
    public partial class DistributedApplication : Microsoft.Extensions.Hosting.IHost, System.IDisposable, System.IAsyncDisposable
    {
        public DistributedApplication(Microsoft.Extensions.Hosting.IHost host) { }

        public ResourceNotificationService ResourceNotifications => throw null!;

        public System.IServiceProvider Services => throw null!;

        public static IDistributedApplicationBuilder CreateBuilder() => throw null!;

        public static IDistributedApplicationBuilder CreateBuilder(string[] args) => throw null!;

        public virtual void Dispose() { }

        public virtual System.Threading.Tasks.ValueTask DisposeAsync() => throw null!;

        System.Threading.Tasks.Task Microsoft.Extensions.Hosting.IHost.StartAsync(System.Threading.CancellationToken cancellationToken) => throw null!;

        System.Threading.Tasks.Task Microsoft.Extensions.Hosting.IHost.StopAsync(System.Threading.CancellationToken cancellationToken) => throw null!;

        public void Run() { }

        public virtual System.Threading.Tasks.Task RunAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public virtual System.Threading.Tasks.Task StartAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public virtual System.Threading.Tasks.Task StopAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;
    }

    public enum DistributedApplicationOperation
    {
        Run = 0,
        Publish = 1
    }

    public partial class DistributedApplicationExecutionContext
    {
        public DistributedApplicationExecutionContext(DistributedApplicationOperation operation) { }

        public bool IsPublishMode => throw null!;

        public bool IsRunMode => throw null!;

        public DistributedApplicationOperation Operation => throw null!;
    }

    public partial interface IDistributedApplicationBuilder
    {
        System.Reflection.Assembly? AppHostAssembly { get; }

        string AppHostDirectory { get; }

        Microsoft.Extensions.Configuration.ConfigurationManager Configuration { get; }

        Microsoft.Extensions.Hosting.IHostEnvironment Environment { get; }

        DistributedApplicationExecutionContext ExecutionContext { get; }

        Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }

        IResourceBuilder<T> AddResource<T>(T resource)
            where T : IResource;

        DistributedApplication Build();

        IResourceBuilder<T> CreateResourceBuilder<T>(T resource)
            where T : IResource;
    }

    public partial interface IProjectMetadata : IResourceAnnotation
    {
        // Default interface members as in src/Aspire.Hosting/IProjectMetadata.cs: the generated
        // Projects.* classes implement only ProjectPath and SuppressBuild. (LaunchSettings omitted.)
        bool IsFileBasedApp => throw null!;

        string ProjectPath { get; }

        bool SuppressBuild => throw null!;
    }

    public partial interface IResourceWithServiceDiscovery : IResourceWithEndpoints, IResource
    {
    }

    public static partial class ContainerRegistryResourceBuilderExtensions
    {
        [System.Diagnostics.CodeAnalysis.Experimental("ASPIRECOMPUTE003", UrlFormat = "https://aka.ms/aspire/diagnostics/{0}")]
        public static IResourceBuilder<ContainerRegistryResource> AddContainerRegistry(this IDistributedApplicationBuilder builder, string name, string endpoint, string? repository = null) => throw null!;
    }

    public static partial class ContainerResourceBuilderExtensions
    {
        public static IResourceBuilder<ContainerResource> AddContainer(this IDistributedApplicationBuilder builder, string name, string image, string tag) => throw null!;

        public static IResourceBuilder<ContainerResource> AddContainer(this IDistributedApplicationBuilder builder, string name, string image) => throw null!;

        public static IResourceBuilder<T> WithBindMount<T>(this IResourceBuilder<T> builder, string source, string target, bool isReadOnly = false)
            where T : ContainerResource => throw null!;

        public static IResourceBuilder<T> WithImageTag<T>(this IResourceBuilder<T> builder, string tag)
            where T : ContainerResource => throw null!;

        public static IResourceBuilder<T> WithLifetime<T>(this IResourceBuilder<T> builder, ContainerLifetime lifetime)
            where T : ContainerResource => throw null!;

        public static IResourceBuilder<T> WithVolume<T>(this IResourceBuilder<T> builder, string? name, string target, bool isReadOnly = false)
            where T : ContainerResource => throw null!;

        public static IResourceBuilder<T> WithVolume<T>(this IResourceBuilder<T> builder, string target)
            where T : ContainerResource => throw null!;
    }

    public static partial class ProjectResourceBuilderExtensions
    {
        public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath, string? launchProfileName) => throw null!;

        public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath) => throw null!;

        public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name, string? launchProfileName)
            where TProject : IProjectMetadata, new() => throw null!;

        public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
            where TProject : IProjectMetadata, new() => throw null!;

        public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas) => throw null!;
    }

    public static partial class ResourceBuilderExtensions
    {
        public static IResourceBuilder<T> AsHttp2Service<T>(this IResourceBuilder<T> builder)
            where T : IResourceWithEndpoints => throw null!;

        public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, WaitBehavior waitBehavior)
            where T : IResourceWithWaitSupport => throw null!;

        public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
            where T : IResourceWithWaitSupport => throw null!;

        public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params object[] args)
            where T : IResourceWithArgs => throw null!;

        public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args)
            where T : IResourceWithArgs => throw null!;

        public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, int? port, int? targetPort, string? scheme, string? name, string? env, bool isProxied, bool? isExternal, System.Net.Sockets.ProtocolType? protocol)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, int? port, int? targetPort, string? scheme, string? name, string? env, bool isProxied, bool? isExternal)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? scheme = null, string? name = null, string? env = null, bool? isProxied = null, bool? isExternal = null, System.Net.Sockets.ProtocolType? protocol = null)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, int? port, int? targetPort, string? scheme, string? name, string? env, bool? isProxied, bool? isExternal)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, EndpointReference endpointReference)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IExpressionValue value)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string envVarName, IResourceBuilder<IResourceWithConnectionString> resource)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, System.Func<string> callback)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string? value)
            where T : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<T> WithEnvironment<T, TValue>(this IResourceBuilder<T> builder, string name, TValue value)
            where T : IResourceWithEnvironment where TValue : IValueProvider, IManifestExpressionProvider => throw null!;

        public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port, int? targetPort, string? name, string? env, bool isProxied)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null, bool? isProxied = null)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, System.Func<EndpointReference>? endpointSelector, string? path = null, int? statusCode = null)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string? path = null, int? statusCode = null, string? endpointName = null)
            where T : IResourceWithEndpoints => throw null!;

        [System.Diagnostics.CodeAnalysis.Experimental("ASPIREPROBES001", UrlFormat = "https://aka.ms/aspire/diagnostics/{0}")]
        public static IResourceBuilder<T> WithHttpProbe<T>(this IResourceBuilder<T> builder, ProbeType type, string? path = null, int? initialDelaySeconds = null, int? periodSeconds = null, int? timeoutSeconds = null, int? failureThreshold = null, int? successThreshold = null, string? endpointName = null)
            where T : IResourceWithEndpoints, IResourceWithProbes => throw null!;

        public static IResourceBuilder<T> WithHttpsEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null, bool? isProxied = null)
            where T : IResourceWithEndpoints => throw null!;

        public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, EndpointReference endpointReference)
            where TDestination : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null, bool optional = false)
            where TDestination : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source, string name)
            where TDestination : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
            where TDestination : IResourceWithEnvironment => throw null!;

        public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, string name, System.Uri uri)
            where TDestination : IResourceWithEnvironment => throw null!;
    }
}
