// Compiled only with -p:RedBookKubernetes=true, which also references Aspire.Hosting.Kubernetes (a preview package
// that is not on every feed). Tests/RedBook.AppHost.Tests/Kubernetes compiles this file on every test run, so a wrong
// call fails a test even where the package can't be restored. See docs/deploy.md.
namespace RedBook.AppHost.Publishing;

internal static class KubernetesPublishing
{
    /// <summary>
    /// In publish mode, a Kubernetes environment that `aspire publish` writes as a Helm chart and `aspire deploy`
    /// installs. azd runs the AppHost with <c>--publisher manifest</c>, whose format has no entry for it, so that run
    /// leaves it out. A cluster other than AKS pulls the images from the registry named by
    /// <c>Deployment:Registry</c> (and optionally <c>Deployment:Repository</c>).
    /// </summary>
    public static IDistributedApplicationBuilder AddRedBookKubernetes(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsPublishMode
            || string.Equals(builder.Configuration["Publishing:Publisher"], "manifest", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        builder.AddKubernetesEnvironment("k8s")
            .WithHelm();

        if (builder.Configuration["Deployment:Registry"] is { Length: > 0 } registry)
        {
#pragma warning disable ASPIRECOMPUTE003 // container registries are experimental in Aspire 13.6
            builder.AddContainerRegistry("registry", registry, builder.Configuration["Deployment:Repository"]);
#pragma warning restore ASPIRECOMPUTE003
        }

        return builder;
    }
}
