using RedBook.Feed.Api.Apis;
using RedBook.Feed.Api.Consumers;
using RedBook.Feed.Api.Jobs;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Infrastructure;
using RedBook.ServiceDefaults.Grpc;
using RedBook.ServiceDefaults.Jobs;

namespace RedBook.Feed.Api.Extensions;

/// <summary>The feed service's registrations.</summary>
public static class Extensions
{
    /// <summary>The connection string name of Kafka.</summary>
    public const string KafkaConnectionName = "kafka";

    /// <summary>
    /// Adds the feed's store (MongoDB <c>feeddb</c>, or SQLite without it), the Redis cache (<c>redis</c>, when
    /// given), the gRPC server with RedBook's defaults, the jobs (<c>hot-notes</c>, <c>outbox-purge</c>,
    /// <c>processed-messages-purge</c>) under the leader election of the feed's data, and — when
    /// <c>ConnectionStrings:kafka</c> is set — the outbox relay under the same election and the <c>feed-counters</c>
    /// consumer group (with the mall, also <c>feed-sales</c>).
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddFeedInfrastructure();
        builder.Services.AddRedBookGrpc();

        // One replica of those sharing the feed's data runs the jobs and the relay (docs/jobs.md).
        var election = FeedInfrastructureExtensions.DataElectionName(builder);
        builder.AddJobs(election);

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(KafkaConnectionName)))
        {
            builder.AddRedBookOutboxRelay(KafkaConnectionName, relay => relay.Election = election);
            builder.AddRedBookEventConsumer(KafkaConnectionName, FeedTopics.CountersConsumerGroup, handlers => handlers
                .Handle<NoteCountersHandler>(FeedTopics.Notes, FeedTopics.NoteLikedType, FeedTopics.NoteUnlikedType, FeedTopics.NoteCommentedType, FeedTopics.NoteCommentDeletedType));
//#if (IncludeMall)
            builder.AddRedBookEventConsumer(KafkaConnectionName, FeedTopics.SalesConsumerGroup, handlers => handlers
                .Handle<ProductSalesHandler>(FeedTopics.MallOrders, "order.placed", "order.cancelled"));
//#endif
        }
    }

    private static void AddJobs(this IHostApplicationBuilder builder, string election)
    {
        builder.Services.AddRedBookJob<HotNotesJob>(HotNotesJob.Name, TimeSpan.FromMinutes(1), election);
        builder.AddRedBookOutboxPurgeJob(election);
        builder.Services.AddOptions<ProcessedMessagesPurgeOptions>()
            .BindConfiguration($"{RedBookJobOptions.SectionName}:{ProcessedMessagesPurgeJob.Name}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddRedBookJob<ProcessedMessagesPurgeJob>(ProcessedMessagesPurgeJob.Name, TimeSpan.FromHours(1), election);
    }

    /// <summary>Maps the <c>feed.v1.FeedService</c> gRPC service.</summary>
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<FeedApi>();
        return app;
    }
}
