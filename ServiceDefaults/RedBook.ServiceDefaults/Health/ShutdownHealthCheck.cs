using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.ServiceDefaults.Health;

/// <summary>Readiness: unhealthy once graceful shutdown has begun, so the orchestrator stops routing here.</summary>
internal sealed class ShutdownHealthCheck(ShutdownState state) : IHealthCheck
{
    public const string Name = "shutdown";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsShuttingDown
            ? HealthCheckResult.Unhealthy("The instance is shutting down.")
            : HealthCheckResult.Healthy());
}
