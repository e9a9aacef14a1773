using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace RedBook.Clients.MongoDB;

/// <summary>Healthy when the server answers <c>{ ping: 1 }</c> on the <c>admin</c> database within the timeout.</summary>
internal sealed class MongoPingHealthCheck(IMongoClient client, TimeSpan timeout) : IHealthCheck
{
    private static readonly BsonDocumentCommand<BsonDocument> s_ping = new(new BsonDocument("ping", 1));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Clamp(timeout));
        try
        {
            await client.GetDatabase("admin").RunCommandAsync(s_ping, cancellationToken: deadline.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"MongoDB did not answer a ping within {Clamp(timeout).TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"MongoDB ping failed: {e.Message}", e);
        }
    }

    internal static TimeSpan Clamp(TimeSpan value) =>
        value < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : value > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : value;
}
