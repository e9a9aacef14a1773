// Facade of NuGet package Aspire.Hosting.Kubernetes 13.5.2-preview.1.26421.6, assembly Aspire.Hosting.Kubernetes.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.Kubernetes/api/Aspire.Hosting.Kubernetes.cs.
// The package ships as a preview (SuppressFinalPackageVersion): 13.5.2 with the build's preview suffix.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
// Omitted interface of the real resource: IComputeEnvironmentResource; none of the product's calls resolves through it.
#nullable enable
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting
{
    public static partial class KubernetesEnvironmentExtensions
    {
        public static IResourceBuilder<Kubernetes.KubernetesEnvironmentResource> AddKubernetesEnvironment(this IDistributedApplicationBuilder builder, string name) => throw null!;

        public static IResourceBuilder<Kubernetes.KubernetesEnvironmentResource> WithHelm(this IResourceBuilder<Kubernetes.KubernetesEnvironmentResource> builder, System.Action<Kubernetes.HelmChartOptions>? configure = null) => throw null!;
    }
}

namespace Aspire.Hosting.Kubernetes
{
    public sealed partial class HelmChartOptions
    {
        internal HelmChartOptions() { }
    }

    public sealed partial class KubernetesEnvironmentResource : Resource, IResource
    {
        public KubernetesEnvironmentResource(string name) : base(default!) { }
    }
}
