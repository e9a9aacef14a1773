using Microsoft.Extensions.Configuration;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>
/// A fact that runs only where the container runtime Aspire uses answers (the same probe the AppHost's automatic
/// mode runs), because container mode starts MongoDB, Redis, Kafka, etcd and Jaeger as containers. Elsewhere it is
/// skipped with that reason, never failed.
/// </summary>
public sealed class RequiresContainerRuntimeFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_unavailableReason = new(static () =>
    {
        var (answers, runtime) = RedBookRunModeResolver.ProbeContainerRuntime(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        return answers ? null : $"No container runtime answers ('{runtime} info' failed): container mode needs one to start MongoDB, Redis, Kafka, etcd and Jaeger.";
    });

    public RequiresContainerRuntimeFactAttribute()
    {
        if (s_unavailableReason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
