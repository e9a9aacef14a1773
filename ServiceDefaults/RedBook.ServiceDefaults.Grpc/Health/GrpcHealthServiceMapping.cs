using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Grpc.Health;

/// <summary>
/// Maps the gRPC health service's names onto the application's health checks: <c>""</c> (the server as a whole) is every
/// check, as <c>/health</c>; each tag a registered check carries (<c>live</c>, ...) is a service of the checks tagged with it,
/// so <c>live</c> answers what <c>/alive</c> does. A name no check carries is NOT_FOUND for Check and SERVICE_UNKNOWN for Watch.
/// </summary>
internal sealed class GrpcHealthServiceMapping(IOptions<HealthCheckServiceOptions> registrations) : IConfigureOptions<GrpcHealthChecksOptions>
{
    public void Configure(GrpcHealthChecksOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services.Clear();
        options.Services.Map(string.Empty, static _ => true);
        foreach (var tag in registrations.Value.Registrations.SelectMany(r => r.Tags).Distinct(StringComparer.Ordinal))
        {
            options.Services.Map(tag, context => context.Tags.Contains(tag));
        }
    }
}

/// <summary>Runs the health-check publisher (which Watch streams follow) every <see cref="GrpcHealthOptions.WatchInterval"/>.</summary>
internal sealed class GrpcHealthPublisherSetup(IOptions<GrpcHealthOptions> options) : IConfigureOptions<HealthCheckPublisherOptions>
{
    public void Configure(HealthCheckPublisherOptions publisher)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        var interval = options.Value.WatchInterval;
        publisher.Period = interval;
        publisher.Delay = TimeSpan.Zero;
    }
}
