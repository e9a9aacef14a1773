using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Grpc.Health.V1;
using ServingStatus = RedBook.ServiceDefaults.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RedBook.ServiceDefaults.Grpc.Health;

/// <summary>
/// The standard gRPC health service (<c>grpc.health.v1.Health</c>) answered from ASP.NET Core's
/// <see cref="HealthCheckService"/>, so <c>/health</c> and gRPC clients see the same checks.
/// The empty service name means every registered check; any other name means the checks tagged with
/// that name (a name no check carries is unknown). Healthy and degraded are SERVING, unhealthy is
/// NOT_SERVING.
/// </summary>
[SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "Activated per call by gRPC through MapGrpcService.")]
internal sealed class GrpcHealthService(
    HealthCheckService healthChecks,
    IOptions<HealthCheckServiceOptions> registrations,
    IOptionsMonitor<GrpcHealthOptions> options,
    TimeProvider timeProvider) : V1.Health.HealthBase
{
    public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = await EvaluateAsync(request.Service, context.CancellationToken).ConfigureAwait(false);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No health check is tagged '{request.Service}'."));
        }

        return new HealthCheckResponse { Status = status };
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        ServingStatus? last = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var status = await EvaluateAsync(request.Service, cancellationToken).ConfigureAwait(false);
                if (status != last)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
                    last = status;
                }

                await Task.Delay(options.CurrentValue.WatchInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: a watch ends by cancellation, not by an error.
        }
    }

    private async Task<ServingStatus> EvaluateAsync(string service, CancellationToken cancellationToken)
    {
        HealthReport report;
        if (service.Length == 0)
        {
            report = await healthChecks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!registrations.Value.Registrations.Any(r => r.Tags.Contains(service)))
            {
                return ServingStatus.ServiceUnknown;
            }

            report = await healthChecks.CheckHealthAsync(r => r.Tags.Contains(service), cancellationToken).ConfigureAwait(false);
        }

        return report.Status == HealthStatus.Unhealthy ? ServingStatus.NotServing : ServingStatus.Serving;
    }
}
