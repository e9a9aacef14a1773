using RedBook.Messaging.Outbox;

namespace RedBook.Messaging.Tests.Outbox;

/// <summary>
/// The contract every outbox and processed-message store meets, run against SQLite and MongoDB alike: the derived
/// class supplies the store and the writes inside the store's own transaction.
/// </summary>
public abstract class MessagingStoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Returns the relay's view of the store (skips the test where the store's server is absent).</summary>
    protected abstract Task<IOutboxStore> GetStoreAsync();

    /// <summary>Writes <paramref name="messages"/> to the outbox in one transaction, then commits or rolls it back.</summary>
    protected abstract Task WriteAsync(IReadOnlyList<OutboxMessage> messages, bool commit);

    /// <summary>Records (group, message id) in one transaction, then commits or rolls it back; returns the record's answer.</summary>
    protected abstract Task<bool> TryRecordProcessedAsync(string consumerGroup, string messageId, DateTimeOffset processedAt, bool commit);

    /// <summary>Purges processed-message records older than <paramref name="before"/>.</summary>
    protected abstract Task<long> PurgeProcessedAsync(DateTimeOffset before);

    protected static OutboxMessage Message(int n, string key = "note-1", string? traceParent = null, string? traceState = null) => new()
    {
        Id = new Guid($"01938f00-0000-7000-8000-{n:D12}").ToString("N"),
        Topic = "feed.notes",
        Key = key,
        Type = "note.liked",
        Payload = $$"""{"noteId":"{{key}}","userId":"u{{n}}","n":{{n}}}""",
        TraceParent = traceParent,
        TraceState = traceState,
        CreatedAt = T0.AddMilliseconds(n),
    };

    [SkippableFact]
    public async Task GetUnsentAsync_CommittedWrites_ReturnsAllFieldsOldestFirst()
    {
        var store = await GetStoreAsync();
        var first = Message(3, traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", traceState: "rojo=00f067aa0ba902b7");
        var second = Message(1, key: "note-2");
        var third = Message(2);
        await WriteAsync([first, second], commit: true);
        await WriteAsync([third], commit: true);

        var unsent = await store.GetUnsentAsync(10, CancellationToken.None);

        // Write order, not id or time order: the second transaction's message comes last.
        Assert.Equal([first, second, third], unsent);
    }

    [SkippableFact]
    public async Task GetUnsentAsync_RolledBackWrite_LeavesNoMessage()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1)], commit: false);
        await WriteAsync([Message(2)], commit: true);

        var unsent = await store.GetUnsentAsync(10, CancellationToken.None);

        Assert.Equal([Message(2)], unsent);
    }

    [SkippableFact]
    public async Task GetUnsentAsync_MaxCount_ReturnsTheOldestOnly()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1), Message(2), Message(3)], commit: true);

        var unsent = await store.GetUnsentAsync(2, CancellationToken.None);

        Assert.Equal([Message(1), Message(2)], unsent);
    }

    [SkippableFact]
    public async Task GetUnsentAsync_ZeroMaxCount_Throws()
    {
        var store = await GetStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.GetUnsentAsync(0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task MarkSentAsync_SomeMessages_OnlyTheOthersStayUnsent()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1), Message(2), Message(3)], commit: true);

        await store.MarkSentAsync([Message(1).Id, Message(3).Id, "unknown-id"], T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal([Message(2)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task MarkSentAsync_NoIds_ChangesNothing()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1)], commit: true);

        await store.MarkSentAsync([], T0, CancellationToken.None);

        Assert.Equal([Message(1)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task PurgeSentAsync_SentBeforeTheCutOff_DeletesOnlyThose()
    {
        var store = await GetStoreAsync();
        await WriteAsync([Message(1), Message(2), Message(3)], commit: true);
        await store.MarkSentAsync([Message(1).Id], T0.AddMinutes(1), CancellationToken.None);
        await store.MarkSentAsync([Message(2).Id], T0.AddMinutes(10), CancellationToken.None);

        var purged = await store.PurgeSentAsync(T0.AddMinutes(5), CancellationToken.None);

        Assert.Equal(1, purged);
        // Message 2 is sent but recent: it stays (not unsent, not purged); message 3 was never sent.
        Assert.Equal([Message(3)], await store.GetUnsentAsync(10, CancellationToken.None));
        Assert.Equal(1, await store.PurgeSentAsync(T0.AddMinutes(11), CancellationToken.None));
        Assert.Equal(0, await store.PurgeSentAsync(T0.AddDays(1), CancellationToken.None));
        Assert.Equal([Message(3)], await store.GetUnsentAsync(10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task TryRecordProcessedAsync_SameGroupAndMessageTwice_ReturnsFalseTheSecondTime()
    {
        await GetStoreAsync();

        Assert.True(await TryRecordProcessedAsync("feed-counters", "m1", T0, commit: true));
        Assert.False(await TryRecordProcessedAsync("feed-counters", "m1", T0.AddSeconds(1), commit: true));
    }

    [SkippableFact]
    public async Task TryRecordProcessedAsync_OtherGroupOrMessage_ReturnsTrue()
    {
        await GetStoreAsync();
        Assert.True(await TryRecordProcessedAsync("feed-counters", "m1", T0, commit: true));

        Assert.True(await TryRecordProcessedAsync("feed-sales", "m1", T0, commit: true));
        Assert.True(await TryRecordProcessedAsync("feed-counters", "m2", T0, commit: true));
    }

    [SkippableFact]
    public async Task TryRecordProcessedAsync_RolledBack_RecordsAgainLater()
    {
        await GetStoreAsync();

        Assert.True(await TryRecordProcessedAsync("feed-counters", "m1", T0, commit: false));
        Assert.True(await TryRecordProcessedAsync("feed-counters", "m1", T0, commit: true));
        Assert.False(await TryRecordProcessedAsync("feed-counters", "m1", T0, commit: true));
    }

    [SkippableFact]
    public async Task PurgeProcessedAsync_OldRecords_AreDeletedAndCanBeRecordedAgain()
    {
        await GetStoreAsync();
        Assert.True(await TryRecordProcessedAsync("feed-counters", "old", T0, commit: true));
        Assert.True(await TryRecordProcessedAsync("feed-counters", "new", T0.AddDays(2), commit: true));

        Assert.Equal(1, await PurgeProcessedAsync(T0.AddDays(1)));

        Assert.True(await TryRecordProcessedAsync("feed-counters", "old", T0.AddDays(3), commit: true));
        Assert.False(await TryRecordProcessedAsync("feed-counters", "new", T0.AddDays(3), commit: true));
    }
}
