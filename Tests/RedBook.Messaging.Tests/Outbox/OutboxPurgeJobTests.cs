using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Sqlite;
using RedBook.Messaging.Tests.Sqlite;
using RedBook.Messaging.Tests.Support;
using RedBook.ServiceDefaults.Jobs;

namespace RedBook.Messaging.Tests.Outbox;

/// <summary>The outbox-purge job over a real SQLite outbox, on a fake clock.</summary>
public sealed class OutboxPurgeJobTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private static JobContext Context(DateTimeOffset at) => new() { Name = OutboxPurgeJob.Name, RunId = "run-1", Term = 1, StartedAt = at };

    [Fact]
    public async Task RunAsync_SentBeforeTheRetention_PurgesThoseAndKeepsTheRest()
    {
        var effects = new EffectStore(_database);
        await effects.CreateAsync();
        var store = new SqliteOutboxStore(_database.ConnectionString);
        var (old, recent, unsent) = (MessagingTestHost.Event(1, "k"), MessagingTestHost.Event(2, "k"), MessagingTestHost.Event(3, "k"));
        await effects.WriteOutboxAsync([old, recent, unsent]);
        await store.MarkSentAsync([old.Id], _time.GetUtcNow() - TimeSpan.FromHours(25), CancellationToken.None);
        await store.MarkSentAsync([recent.Id], _time.GetUtcNow() - TimeSpan.FromHours(23), CancellationToken.None);
        var job = new OutboxPurgeJob(store, new StaticMonitor(new OutboxPurgeOptions { SentRetention = TimeSpan.FromDays(1) }), _time, NullLogger<OutboxPurgeJob>.Instance);

        await job.RunAsync(Context(_time.GetUtcNow()), CancellationToken.None);

        Assert.Equal(1, await effects.UnsentCountAsync());
        Assert.Equal(0, await store.PurgeSentAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), CancellationToken.None));   // the old one is gone
        Assert.Equal(1, await store.PurgeSentAsync(_time.GetUtcNow(), CancellationToken.None));                          // the recent one stayed
    }

    [Fact]
    public void Options_RetentionOutOfRange_IsClamped()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), new OutboxPurgeOptions { SentRetention = TimeSpan.Zero }.EffectiveSentRetention);
        Assert.Equal(TimeSpan.FromDays(365), new OutboxPurgeOptions { SentRetention = TimeSpan.MaxValue }.EffectiveSentRetention);
    }

    private sealed class StaticMonitor(OutboxPurgeOptions value) : IOptionsMonitor<OutboxPurgeOptions>
    {
        public OutboxPurgeOptions CurrentValue => value;

        public OutboxPurgeOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OutboxPurgeOptions, string?> listener) => null;
    }
}
