using RedBook.ServiceDefaults.Grpc;

namespace RedBook.Feed.Api.Extensions;

/// <summary>The feed service's registrations.</summary>
public static class Extensions
{
    /// <summary>
    /// Adds the clients of the resources the AppHost gives the feed service (<c>feeddb</c> on MongoDB,
    /// <c>redis</c>, <c>kafka</c>, configured by Aspire's client integrations from
    /// <c>ConnectionStrings__*</c>) and the gRPC server with RedBook's defaults.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddRedisClient("redis");

        builder.Services.AddRedBookGrpc();
    }
}
