using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace RedBook.Storage.MongoDB;

/// <summary>What the MongoDB stores share: collection creation, transactions and the health check.</summary>
public static class MongoStorage
{
    /// <summary>
    /// Creates the collections that do not exist yet, outside any transaction (creating one inside a transaction needs
    /// MongoDB 4.4 or later). Safe when several replicas start at once.
    /// </summary>
    public static async Task EnsureCollectionsAsync(IMongoDatabase database, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(names);
        var existing = await (await database.ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in names.Except(existing, StringComparer.Ordinal))
        {
            try
            {
                await database.CreateCollectionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (MongoCommandException ex) when (ex.CodeName == "NamespaceExists")
            {
                // Another replica created it first.
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a multi-document transaction (retried by the driver on transient errors; aborted
    /// when the work throws) and calls <paramref name="onCommit"/> after it commits.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(IMongoDatabase database, Func<IClientSessionHandle, CancellationToken, Task<T>> work, Action? onCommit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        using var session = await database.Client.StartSessionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = await session.WithTransactionAsync(work, cancellationToken: cancellationToken).ConfigureAwait(false);
        onCommit?.Invoke();
        return result;
    }

    /// <summary>Healthy when the database answers <c>ping</c>.</summary>
    public static async Task<HealthCheckResult> CheckHealthAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The MongoDB database is unavailable.", ex);
        }
    }
}
