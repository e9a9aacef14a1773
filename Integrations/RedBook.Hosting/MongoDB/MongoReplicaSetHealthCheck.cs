using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace RedBook.Hosting;

/// <summary>
/// Healthy when the single-node replica set has a writable primary. The first time it finds the member with no
/// replica set configuration (a new data volume), it initiates the set; the member then elects itself within a few
/// seconds. It connects directly to the member without naming the set, since an uninitiated member belongs to none.
/// One instance per resource keeps one client (as Aspire's own checks do).
/// </summary>
internal sealed class MongoReplicaSetHealthCheck(Func<string?> connectionString) : IHealthCheck
{
    private IMongoClient? _client;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connectionString() is not { Length: > 0 } value)
        {
            return HealthCheckResult.Unhealthy("The connection string is unavailable.");
        }

        try
        {
            var admin = (_client ??= new MongoClient(AdminSettings(value))).GetDatabase("admin");
            var hello = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (hello.TryGetValue("isWritablePrimary", out var primary) && primary.ToBoolean())
            {
                return HealthCheckResult.Healthy();
            }

            if (!hello.Contains("setName"))
            {
                await InitiateAsync(admin, cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Unhealthy($"Initiated replica set '{RedBookMongoDBServerResource.ReplicaSetName}'; waiting for the member to become primary.");
            }

            return HealthCheckResult.Unhealthy($"The member of '{RedBookMongoDBServerResource.ReplicaSetName}' is not primary yet.");
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("MongoDB doesn't answer yet.", exception);
        }
    }

    /// <summary>The replica set configuration the server is initiated with: one member, as it names itself.</summary>
    internal static BsonDocument ReplicaSetConfiguration() => new()
    {
        { "_id", RedBookMongoDBServerResource.ReplicaSetName },
        { "members", new BsonArray { new BsonDocument { { "_id", 0 }, { "host", RedBookMongoDBServerResource.MemberHost } } } },
    };

    /// <summary>The server's connection, direct and without the set's name (an uninitiated member belongs to no set).</summary>
    internal static MongoClientSettings AdminSettings(string connectionString)
    {
        var url = new MongoUrlBuilder(connectionString)
        {
            ReplicaSetName = null,
            DirectConnection = true,
            ServerSelectionTimeout = TimeSpan.FromSeconds(3),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        return MongoClientSettings.FromUrl(url.ToMongoUrl());
    }

    private static async Task InitiateAsync(IMongoDatabase admin, CancellationToken cancellationToken)
    {
        try
        {
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetInitiate", ReplicaSetConfiguration()), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException exception) when (exception.CodeName == "AlreadyInitialized")
        {
            // Another check initiated it first.
        }
    }
}
