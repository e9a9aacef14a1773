using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Sqlite;
using RedBook.Messaging.Tests.Sqlite;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.Messaging.Tests.Support;

/// <summary>
/// A generic host with the relay over a SQLite outbox and whatever consumers the test adds, against a mock cluster. The
/// relay's election is the test's when given, else the single-instance one (no etcd: this host leads).
/// </summary>
public static class MessagingTestHost
{
    public static async Task<IHost> StartAsync(KafkaTestCluster kafka, SqliteTestDatabase database, Action<HostApplicationBuilder> configure, Action<OutboxRelayOptions>? relay = null, ILeaderElection? election = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            // Tests stop hosts often: a short session timeout lets a group's next member take over quickly.
            ["RedBook:Clients:Kafka:Consumer:Config:SessionTimeoutMs"] = "6000",
            ["RedBook:Clients:Kafka:Consumer:Config:HeartbeatIntervalMs"] = "500",
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IOutboxStore>(new SqliteOutboxStore(database.ConnectionString));
        if (election is not null)
        {
            // Registered first, so the relay's AddRedBookLeaderElection finds it and uses it as it is.
            builder.Services.AddKeyedSingleton(election.Name, election);
        }

        builder.AddRedBookOutboxRelay("kafka", o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.MinBackoff = TimeSpan.FromMilliseconds(100);
            o.MaxBackoff = TimeSpan.FromSeconds(1);
            relay?.Invoke(o);
        });
        configure(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(this IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }

    public static OutboxMessage Event(int n, string key, string type = "note.liked", string topic = "feed.notes") => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Topic = topic,
        Key = key,
        Type = type,
        Payload = $$"""{"noteId":"{{key}}","userId":"u{{n}}","n":{{n}}}""",
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
