using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace RedBook.Hosting;

/// <summary>
/// Chooses the <see cref="RedBookRunMode"/>: the <c>RedBook:AppHost:Mode</c> setting (<c>Container</c>, <c>Local</c>
/// or <c>Auto</c>) forces it; on <c>Auto</c> (the default) it is <see cref="RedBookRunMode.Container"/> when the
/// container runtime Aspire uses answers <c>info</c>, and <see cref="RedBookRunMode.Local"/> otherwise. Publishing
/// (a manifest, a Helm chart) always describes containers.
/// </summary>
public static class RedBookRunModeResolver
{
    /// <summary>The configuration key that forces the mode.</summary>
    public const string ModeKey = "RedBook:AppHost:Mode";

    /// <summary>The result of a resolution: the mode and why it was chosen.</summary>
    /// <param name="Mode">The chosen mode.</param>
    /// <param name="Reason">A sentence for the AppHost's log.</param>
    public readonly record struct Resolution(RedBookRunMode Mode, string Reason);

    /// <summary>Resolves the mode from configuration, probing the container runtime only when the mode is automatic.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <param name="isPublishMode">Whether the AppHost is publishing rather than running.</param>
    /// <param name="probeContainerRuntime">
    /// Answers whether the container runtime responds, and which one was asked; <see langword="null"/> uses
    /// <see cref="ProbeContainerRuntime"/>.
    /// </param>
    /// <exception cref="InvalidOperationException">The setting holds something other than Container, Local or Auto.</exception>
    public static Resolution Resolve(IConfiguration configuration, bool isPublishMode, Func<IConfiguration, (bool Answers, string Runtime)>? probeContainerRuntime = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = configuration[ModeKey]?.Trim();
        RedBookRunMode? forced = setting switch
        {
            null or "" => null,
            _ when setting.Equals("Auto", StringComparison.OrdinalIgnoreCase) => null,
            _ when setting.Equals(nameof(RedBookRunMode.Container), StringComparison.OrdinalIgnoreCase) => RedBookRunMode.Container,
            _ when setting.Equals(nameof(RedBookRunMode.Local), StringComparison.OrdinalIgnoreCase) => RedBookRunMode.Local,
            _ => throw new InvalidOperationException($"{ModeKey} is '{setting}'; use Container, Local or Auto."),
        };

        if (isPublishMode)
        {
            return new(RedBookRunMode.Container, "publishing describes the containers of a deployment");
        }

        if (forced is { } mode)
        {
            return new(mode, $"{ModeKey} is {mode}");
        }

        var (answers, runtime) = (probeContainerRuntime ?? ProbeContainerRuntime)(configuration);
        return answers
            ? new(RedBookRunMode.Container, $"the container runtime '{runtime}' answers")
            : new(RedBookRunMode.Local, $"no container runtime answers ('{runtime} info' failed)");
    }

    /// <summary>
    /// Runs <c>{runtime} info</c> for the runtime Aspire uses (<c>ASPIRE_CONTAINER_RUNTIME</c>, else <c>docker</c>)
    /// with a 10 second limit.
    /// </summary>
    public static (bool Answers, string Runtime) ProbeContainerRuntime(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        runtime = string.IsNullOrWhiteSpace(runtime) ? "docker" : runtime.Trim();
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return (false, runtime);
            }

            // Drain both pipes so a chatty runtime can't block on a full buffer.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return (false, runtime);
            }

            Task.WaitAll(stdout, stderr);
            return (process.ExitCode == 0, runtime);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, runtime); // not installed
        }
    }
}
