// Facade of NuGet package Aspire.Hosting 13.5.2, assembly Aspire.Hosting.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting/api/Aspire.Hosting.cs (namespace Aspire.Hosting.ApplicationModel).
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
// Omitted interfaces of the real resources: IComputeResource, IContainerFilesDestinationResource, and
// IResourceWithProbes on ContainerResource; none of the product's calls resolves through them.
#nullable enable
// The real assembly uses its own experimental types inside itself too.
#pragma warning disable ASPIRECOMPUTE003, ASPIREPROBES001

namespace Aspire.Hosting.ApplicationModel
{
    public enum ContainerLifetime
    {
        Session = 0,
        Persistent = 1
    }

    [System.Diagnostics.CodeAnalysis.Experimental("ASPIRECOMPUTE003", UrlFormat = "https://aka.ms/aspire/diagnostics/{0}")]
    public partial class ContainerRegistryResource : Resource, IContainerRegistry
    {
        public ContainerRegistryResource(string name, ReferenceExpression endpoint, ReferenceExpression? repository = null) : base(default!) { }

        ReferenceExpression IContainerRegistry.Endpoint => throw null!;

        ReferenceExpression IContainerRegistry.Name => throw null!;

        ReferenceExpression? IContainerRegistry.Repository => throw null!;
    }

    public partial interface IContainerRegistry
    {
        ReferenceExpression Endpoint { get; }

        ReferenceExpression Name { get; }

        ReferenceExpression? Repository { get; }
    }

    [System.Diagnostics.CodeAnalysis.Experimental("ASPIREPROBES001", UrlFormat = "https://aka.ms/aspire/diagnostics/{0}")]
    public partial interface IResourceWithProbes : IResource
    {
    }

    public enum ProbeType
    {
        Startup = 0,
        Readiness = 1,
        Liveness = 2
    }

    public partial class ContainerResource : Resource, IResourceWithEnvironment, IResource, IResourceWithArgs, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        public ContainerResource(string name, string? entrypoint = null) : base(default!) { }

        public string? Entrypoint { get => throw null!; set { } }
    }

    public sealed partial class EndpointReference : IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public EndpointReference(IResourceWithEndpoints owner, string endpointName) { }

        string IManifestExpressionProvider.ValueExpression => throw null!;

        System.Collections.Generic.IEnumerable<object> IValueWithReferences.References => throw null!;

        public string EndpointName => throw null!;

        public bool Exists => throw null!;

        public string Host => throw null!;

        public bool IsAllocated => throw null!;

        public int Port => throw null!;

        public IResourceWithEndpoints Resource => throw null!;

        public string Scheme => throw null!;

        public int? TargetPort => throw null!;

        public string Url => throw null!;

        public System.Threading.Tasks.ValueTask<string?> GetValueAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;
    }

    public partial interface IExpressionValue : IValueProvider, IManifestExpressionProvider
    {
    }

    public partial interface IManifestExpressionProvider
    {
        string ValueExpression { get; }
    }

    public partial interface IResource
    {
        ResourceAnnotationCollection Annotations { get; }

        string Name { get; }
    }

    public partial interface IResourceAnnotation
    {
    }

    public enum ResourceAnnotationMutationBehavior
    {
        Append = 0,
        Replace = 1
    }

    public partial interface IResourceBuilder<out T>
        where T : IResource
    {
        IDistributedApplicationBuilder ApplicationBuilder { get; }

        T Resource { get; }

        IResourceBuilder<T> WithAnnotation<TAnnotation>(TAnnotation annotation, ResourceAnnotationMutationBehavior behavior = ResourceAnnotationMutationBehavior.Append)
            where TAnnotation : IResourceAnnotation;

        IResourceBuilder<T> WithAnnotation<TAnnotation>(ResourceAnnotationMutationBehavior behavior = ResourceAnnotationMutationBehavior.Append)
            where TAnnotation : IResourceAnnotation, new();
    }

    public partial interface IResourceWithArgs : IResource
    {
    }

    public partial interface IResourceWithConnectionString : IResource, IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        string IManifestExpressionProvider.ValueExpression => throw null!;

        System.Collections.Generic.IEnumerable<object> IValueWithReferences.References => throw null!;

        string? ConnectionStringEnvironmentVariable => throw null!;

        ReferenceExpression ConnectionStringExpression { get; }

        System.Threading.Tasks.ValueTask<string?> IValueProvider.GetValueAsync(System.Threading.CancellationToken cancellationToken) => throw null!;

        System.Threading.Tasks.ValueTask<string?> GetConnectionStringAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;
    }

    public partial interface IResourceWithEndpoints : IResource
    {
    }

    public partial interface IResourceWithEnvironment : IResource
    {
    }

    public partial interface IResourceWithParent : IResource
    {
        IResource Parent { get; }
    }

    public partial interface IResourceWithParent<out T> : IResourceWithParent, IResource where T : IResource
    {
        IResource IResourceWithParent.Parent => throw null!;

        new T Parent { get; }
    }

    public partial interface IResourceWithWaitSupport : IResource
    {
    }

    public partial interface IValueProvider
    {
        System.Threading.Tasks.ValueTask<string?> GetValueAsync(System.Threading.CancellationToken cancellationToken = default);
    }

    public partial interface IValueWithReferences
    {
        System.Collections.Generic.IEnumerable<object> References { get; }
    }

    public partial class ParameterResource : Resource, IExpressionValue, IValueProvider, IManifestExpressionProvider
    {
        // The public constructor takes a Func<ParameterDefault?, string>; the product creates parameters
        // with builder.AddParameter, so the facade keeps the constructor out of reach.
        private ParameterResource() : base(default!) { }

        public string? Description { get => throw null!; set { } }

        public bool Secret => throw null!;

        public string ValueExpression => throw null!;

        public System.Threading.Tasks.ValueTask<string?> GetValueAsync(System.Threading.CancellationToken cancellationToken) => throw null!;
    }

    public partial class ProjectResource : Resource, IResourceWithEnvironment, IResource, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithEndpoints, IResourceWithWaitSupport, IResourceWithProbes
    {
        public ProjectResource(string name) : base(default!) { }
    }

    public partial class ReferenceExpression : IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        internal ReferenceExpression() { }

        System.Collections.Generic.IEnumerable<object> IValueWithReferences.References => throw null!;

        public string Format => throw null!;

        public string ValueExpression => throw null!;

        public System.Threading.Tasks.ValueTask<string?> GetValueAsync(System.Threading.CancellationToken cancellationToken = default) => throw null!;
    }

    public abstract partial class Resource : IResource
    {
        protected Resource(string name) { }

        public virtual ResourceAnnotationCollection Annotations => throw null!;

        public virtual string Name => throw null!;
    }

    public sealed partial class ResourceAnnotationCollection : System.Collections.ObjectModel.Collection<IResourceAnnotation>
    {
    }

    public partial class ResourceEvent
    {
        private ResourceEvent() { }

        public IResource Resource => throw null!;

        public string ResourceId => throw null!;
    }

    public partial class ResourceNotificationService : System.IDisposable
    {
        private ResourceNotificationService() { }

        public void Dispose() { }

        public System.Threading.Tasks.Task WaitForResourceAsync(string resourceName, string? targetState = null, System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public System.Threading.Tasks.Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, WaitBehavior waitBehavior, System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public System.Threading.Tasks.Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, System.Threading.CancellationToken cancellationToken = default) => throw null!;
    }

    public enum WaitBehavior
    {
        WaitOnResourceUnavailable = 0,
        StopOnResourceUnavailable = 1
    }
}
