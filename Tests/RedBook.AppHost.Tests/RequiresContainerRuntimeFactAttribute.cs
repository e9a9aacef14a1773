using System.Diagnostics;

namespace RedBook.AppHost.Tests;

/// <summary>
/// A fact that runs only where a container runtime answers (<c>docker info</c> or <c>podman info</c>),
/// because the AppHost starts MongoDB, Redis, Kafka, etcd and Jaeger as containers.
/// Elsewhere it is skipped with the reason, never failed.
/// </summary>
public sealed class RequiresContainerRuntimeFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_unavailableReason = new(Probe);

    public RequiresContainerRuntimeFactAttribute()
    {
        if (s_unavailableReason.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (process is null)
                {
                    continue;
                }

                if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }

                if (process.ExitCode == 0)
                {
                    return null;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed: try the next runtime.
            }
        }

        return "No container runtime answers 'docker info' or 'podman info'; the AppHost needs one to start MongoDB, Redis, Kafka, etcd and Jaeger.";
    }
}
