using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using RedBook.Bff.Core;
using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;
using RedBook.Bff.Infrastructure;
using RedBook.Feed.Contracts.V1;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Grpc;
using RedBook.ServiceDefaults.Grpc.Client;
using Scalar.AspNetCore;

namespace RedBook.Bff.Extensions;

/// <summary>The BFF's registrations.</summary>
public static class Extensions
{
    /// <summary>The connection name of the Redis the BFF shares its copies and quotas in (optional).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Adds the BFF: its options (<c>RedBook:Bff</c>, live), the user (JwtBearer from
    /// <c>Authentication:Schemes:Bearer</c>, or the development header), the OpenAPI document, the feed's gRPC client
    /// (<c>feed-api</c>) and, with the mall, the mall's (<c>mall-api</c>) and the order quota; the degradable parts and
    /// the screens; and, when <c>ConnectionStrings:redis</c> is set, Redis (Aspire's client) for the shared copies and
    /// the quota store. The gRPC health service answers the platform's probes.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddRedBookGrpc();
        services.AddOptions<BffOptions>().BindConfiguration(BffOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddAuthorization();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures answer the error model
        services.AddOpenApi();

        var redis = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString(RedisConnectionName));
        if (redis)
        {
            builder.AddRedisClient(RedisConnectionName);
            services.AddSingleton<IStaleCopyStore, RedisStaleCopyStore>();
        }
        else
        {
            services.AddSingleton<IStaleCopyStore, NoStaleCopyStore>();
        }

        services.AddSingleton<PartRunner>();
        services.AddBffDegradeDefaults();

        services.AddRedBookGrpcClient<FeedService.FeedServiceClient>("feed-api");
        services.AddSingleton<IFeedGateway, FeedGateway>();
        services.AddSingleton(sp => new FeedParts(
            sp.Part<NotePage>("bff-timeline", BffDependency.Feed),
            sp.Part<NotePage>("bff-popular", BffDependency.Feed),
            sp.Part<NoteView>("bff-note", BffDependency.Feed),
            sp.Part<CommentPage>("bff-comments", BffDependency.Feed),
            sp.Part<NotePage>("bff-author-notes", BffDependency.Feed),
            sp.Part<FollowingPage>("bff-following", BffDependency.Feed),
            sp.Part<NotePage>("bff-explore", BffDependency.Feed)));
        services.AddRedBookDegradeCache<string, NotePage>("bff-timeline");
        services.AddRedBookDegradeCache<string, NotePage>("bff-popular");
        services.AddRedBookDegradeCache<string, NoteView>("bff-note");
        services.AddRedBookDegradeCache<string, CommentPage>("bff-comments");
        services.AddRedBookDegradeCache<string, NotePage>("bff-author-notes");
        services.AddRedBookDegradeCache<string, FollowingPage>("bff-following");
        services.AddRedBookDegradeCache<string, NotePage>("bff-explore");
        services.AddSingleton<HomeComposer>();
        services.AddSingleton<NoteComposer>();
        services.AddSingleton<ProfileComposer>();
//#if (IncludeMall)

        builder.AddMallServices(redis);
//#endif
    }

    /// <summary>Maps the OpenAPI document (<c>/openapi/v1.json</c>) and, in development, the Scalar API reference (<c>/scalar</c>).</summary>
    public static WebApplication MapBffOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }

    /// <summary>The part whose cache is the keyed <see cref="DegradeCache{TKey, TValue}"/> <paramref name="name"/>.</summary>
    internal static PartCache<T> Part<T>(this IServiceProvider services, string name, BffDependency dependency)
        where T : class => new(
            dependency,
            services.GetRequiredKeyedService<DegradeCache<string, T>>(name),
            services.GetRequiredService<IStaleCopyStore>(),
            services.GetRequiredService<PartRunner>(),
            services.GetRequiredService<IOptionsMonitor<DegradeOptions>>(),
            services.GetRequiredService<ILogger<PartCache<T>>>());

    /// <summary>
    /// The BFF's caches call the services on every read by default (<c>FreshTtl</c> 0: a user sees their own writes at
    /// once) and keep copies for 10 minutes; <c>RedBook:Degrade</c> and <c>RedBook:Degrade:bff-*</c> override both. Must
    /// come before the first <c>AddRedBookDegradeCache</c>, so that configuration binds after it.
    /// </summary>
    private static void AddBffDegradeDefaults(this IServiceCollection services) =>
        services.AddSingleton<IConfigureOptions<DegradeOptions>>(new ConfigureNamedOptions<DegradeOptions>(null, static o => o.FreshTtl = TimeSpan.Zero));
}
