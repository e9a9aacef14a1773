using RedBook.Mall.Api.Apis;
using RedBook.Mall.Infrastructure;
using RedBook.ServiceDefaults.Grpc;

namespace RedBook.Mall.Api.Extensions;

/// <summary>The mall service's registrations.</summary>
public static class Extensions
{
    /// <summary>The connection string name of Kafka.</summary>
    public const string KafkaConnectionName = "kafka";

    /// <summary>
    /// Adds the mall's store (MongoDB <c>malldb</c>, or SQLite without it), the gRPC server with RedBook's defaults,
    /// and — when <c>ConnectionStrings:kafka</c> is set — the outbox relay that publishes <c>mall.orders</c> and
    /// <c>mall.stock</c>.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMallInfrastructure();
        builder.Services.AddRedBookGrpc();

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(KafkaConnectionName)))
        {
            builder.AddRedBookOutboxRelay(KafkaConnectionName);
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
