using Microsoft.Extensions.Options;
using RedBook.Mall.Api.Apis;
using RedBook.Mall.Api.Jobs;
using RedBook.Mall.Infrastructure;
using RedBook.ServiceDefaults.Grpc;
using RedBook.ServiceDefaults.Jobs;

namespace RedBook.Mall.Api.Extensions;

/// <summary>The mall service's registrations.</summary>
public static class Extensions
{
    /// <summary>The connection string name of Kafka.</summary>
    public const string KafkaConnectionName = "kafka";

    /// <summary>
    /// Adds the mall's store (MongoDB <c>malldb</c>, or SQLite without it), the gRPC server with RedBook's defaults,
    /// the jobs (<c>reservations</c>, <c>outbox-purge</c>, and <c>catalog-seed</c> when products are listed for it) under the leader election of the mall's data, and — when
    /// <c>ConnectionStrings:kafka</c> is set — the outbox relay that publishes <c>mall.orders</c> and
    /// <c>mall.stock</c>, under the same election.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMallInfrastructure();
        builder.Services.AddRedBookGrpc();

        // One replica of those sharing the mall's data runs the jobs and the relay (docs/jobs.md).
        var election = MallInfrastructureExtensions.DataElectionName(builder);
        builder.Services.AddOptions<ReservationReleaseOptions>()
            .BindConfiguration($"{RedBookJobOptions.SectionName}:{ReservationReleaseJob.Name}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddRedBookJob<ReservationReleaseJob>(ReservationReleaseJob.Name, TimeSpan.FromSeconds(30), election);
        builder.AddRedBookOutboxPurgeJob(election);

        // The development catalogue (appsettings.Development.json): only when products are listed.
        var seed = $"{RedBookJobOptions.SectionName}:{CatalogSeedJob.Name}";
        if (builder.Configuration.GetSection($"{seed}:Products").GetChildren().Any())
        {
            builder.Services.AddOptions<CatalogSeedOptions>().BindConfiguration(seed).ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<CatalogSeedOptions>, CatalogSeedOptionsValidator>();
            builder.Services.AddRedBookJob<CatalogSeedJob>(CatalogSeedJob.Name, TimeSpan.FromMinutes(1), election);
        }

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(KafkaConnectionName)))
        {
            builder.AddRedBookOutboxRelay(KafkaConnectionName, relay => relay.Election = election);
        }
    }

    /// <summary>Maps the <c>mall.v1.MallService</c> gRPC service.</summary>
    public static IEndpointRouteBuilder MapMallApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<MallApi>();
        return app;
    }
}
