extern alias FeedApi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Caching;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Infrastructure.Sqlite;
using RedBook.ServiceDefaults.Jobs;
using ProcessedMessagesPurgeJob = FeedApi::RedBook.Feed.Api.Jobs.ProcessedMessagesPurgeJob;
using ProcessedMessagesPurgeOptions = FeedApi::RedBook.Feed.Api.Jobs.ProcessedMessagesPurgeOptions;

namespace RedBook.Application.Tests.Feed.Api.Jobs;

/// <summary>The <c>processed-messages-purge</c> job on a SQLite store and a fake clock.</summary>
public sealed class ProcessedMessagesPurgeJobTests : IAsyncLifetime, IDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteFeedStore _store;

    public ProcessedMessagesPurgeJobTests() => _store = new SqliteFeedStore(_file.ConnectionString, _time);

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task RunAsync_RecordsOlderThanTheRetention_ArePurgedAndNewerOnesStillDeduplicate()
    {
        var feed = new FeedService(_store, new PassThroughFeedCache(), new StaticOptionsMonitor<FeedOptions>(new FeedOptions()), _time);
        var note = (await feed.CreateNoteAsync("alice", new NoteDraft("Hello", "World", [], [], []), CancellationToken.None)).Note;
        await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "old", note.Id, 1, 0, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(15));
        await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "new", note.Id, 1, 0, CancellationToken.None);
        var job = new ProcessedMessagesPurgeJob(_store, new StaticOptionsMonitor<ProcessedMessagesPurgeOptions>(new ProcessedMessagesPurgeOptions { Retention = TimeSpan.FromDays(14) }), _time, NullLogger<ProcessedMessagesPurgeJob>.Instance);

        await job.RunAsync(new JobContext { Name = ProcessedMessagesPurgeJob.Name, RunId = "run-1", Term = 1, StartedAt = _time.GetUtcNow() }, CancellationToken.None);

        Assert.False(await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "new", note.Id, 1, 0, CancellationToken.None));   // still recorded
        Assert.True(await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "old", note.Id, 1, 0, CancellationToken.None));    // purged
    }

    [Fact]
    public async Task RunAsync_RetentionBelowTheMinimum_StillKeepsAnHour()
    {
        var feed = new FeedService(_store, new PassThroughFeedCache(), new StaticOptionsMonitor<FeedOptions>(new FeedOptions()), _time);
        var note = (await feed.CreateNoteAsync("alice", new NoteDraft("Hello", "World", [], [], []), CancellationToken.None)).Note;
        await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "recent", note.Id, 1, 0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30));
        var job = new ProcessedMessagesPurgeJob(_store, new StaticOptionsMonitor<ProcessedMessagesPurgeOptions>(new ProcessedMessagesPurgeOptions { Retention = TimeSpan.FromSeconds(1) }), _time, NullLogger<ProcessedMessagesPurgeJob>.Instance);

        await job.RunAsync(new JobContext { Name = ProcessedMessagesPurgeJob.Name, RunId = "run-1", Term = 1, StartedAt = _time.GetUtcNow() }, CancellationToken.None);

        Assert.False(await _store.ApplyNoteCountersAsync(FeedTopics.CountersConsumerGroup, "recent", note.Id, 1, 0, CancellationToken.None));
    }
}
