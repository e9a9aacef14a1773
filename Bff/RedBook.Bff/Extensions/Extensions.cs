using RedBook.ServiceDefaults.Grpc;

namespace RedBook.Bff.Extensions;

/// <summary>The BFF's registrations.</summary>
public static class Extensions
{
    /// <summary>
    /// Adds the client of the resource the AppHost gives the BFF (<c>redis</c>, configured by Aspire's
    /// client integration from <c>ConnectionStrings__redis</c>) and the gRPC server with RedBook's
    /// defaults (its gRPC health service answers the platform's probes).
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddRedisClient("redis");

        builder.Services.AddRedBookGrpc();
    }
}
