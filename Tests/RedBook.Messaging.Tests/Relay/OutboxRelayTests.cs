using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Tests.Sqlite;
using RedBook.Messaging.Tests.Support;
using RedBook.ServiceDefaults.Leadership;

namespace RedBook.Messaging.Tests.Relay;

/// <summary>The relay against librdkafka's mock cluster with the real Confluent.Kafka producer and a real SQLite outbox.</summary>
[Collection(KafkaCollection.Name)]
public sealed class OutboxRelayTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly EffectStore _store;
    private readonly KafkaTestCluster _kafka = new(("feed.notes", 1));

    public OutboxRelayTests() => _store = new EffectStore(_database);

    public void Dispose()
    {
        _kafka.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task Relay_OutboxMessages_PublishedInOrderWithHeadersAndMarkedSent()
    {
        await _store.CreateAsync();
        var messages = Enumerable.Range(1, 30).Select(i => MessagingTestHost.Event(i, key: $"note-{i % 3}")).ToList();
        await _store.WriteOutboxAsync(messages.Take(10));
        await _store.WriteOutboxAsync(messages.Skip(10));

        var host = await MessagingTestHost.StartAsync(_kafka, _database, _ => { });
        try
        {
            var published = await _kafka.ReadAsync("feed.notes", messages.Count);

            Assert.Equal(messages.Select(m => m.Id), published.Select(r => Header(r.Message.Headers, MessageHeaders.MessageId)));
            Assert.Equal(messages.Select(m => m.Key), published.Select(r => r.Message.Key));
            Assert.Equal(messages.Select(m => m.Payload), published.Select(r => r.Message.Value));
            Assert.All(published, r => Assert.Equal("note.liked", Header(r.Message.Headers, MessageHeaders.MessageType)));
            Assert.Equal(messages[0].CreatedAt, DateTimeOffset.Parse(Header(published[0].Message.Headers, MessageHeaders.CreatedAt)!, System.Globalization.CultureInfo.InvariantCulture));
            await Eventually.WaitAsync(async () => await _store.UnsentCountAsync() == 0, "every outbox message is marked sent");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Relay_UnderAnElection_PublishesOnlyWhileThisInstanceLeads()
    {
        await _store.CreateAsync();
        var election = new ManualLeaderElection();
        var first = Enumerable.Range(1, 5).Select(i => MessagingTestHost.Event(i, "note-1")).ToList();
        await _store.WriteOutboxAsync(first);
        var host = await MessagingTestHost.StartAsync(_kafka, _database, _ => { }, relay: o => o.PollInterval = TimeSpan.FromMilliseconds(50), election: election);
        try
        {
            // A follower reads nothing: after many poll intervals every message is still unsent.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(5, await _store.UnsentCountAsync());

            election.Lead(term: 1);
            var published = await _kafka.ReadAsync("feed.notes", first.Count);
            Assert.Equal(first.Select(m => m.Id), published.Select(r => Header(r.Message.Headers, MessageHeaders.MessageId)));
            await Eventually.WaitAsync(async () => await _store.UnsentCountAsync() == 0, "the leader marks them sent");

            election.StepDown();
            var second = Enumerable.Range(6, 3).Select(i => MessagingTestHost.Event(i, "note-1")).ToList();
            await _store.WriteOutboxAsync(second);
            host.Services.GetRequiredService<IOutboxSignal>().Notify();
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(3, await _store.UnsentCountAsync());             // stepped down: nothing more goes out

            election.Lead(term: 2);
            var resumed = await _kafka.ReadAsync("feed.notes", first.Count + second.Count);
            Assert.Equal(first.Concat(second).Select(m => m.Id), resumed.Select(r => Header(r.Message.Headers, MessageHeaders.MessageId)));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Relay_LocalWriteSignal_PublishesWithoutWaitingForThePoll()
    {
        await _store.CreateAsync();
        // A poll interval far longer than the test's deadline: only the signal can explain a publish.
        var host = await MessagingTestHost.StartAsync(_kafka, _database, _ => { }, relay: o => o.PollInterval = TimeSpan.FromMinutes(5));
        try
        {
            var message = MessagingTestHost.Event(1, "note-1");
            await _store.WriteOutboxAsync([message]);
            host.Services.GetRequiredService<IOutboxSignal>().Notify();

            var published = await _kafka.ReadAsync("feed.notes", 1, timeout: TimeSpan.FromSeconds(60));

            Assert.Equal(message.Id, Header(published[0].Message.Headers, MessageHeaders.MessageId));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Relay_WriterTraceContext_IsTheParentOfThePublishAndTravelsInTheHeaders()
    {
        await _store.CreateAsync();
        using var writerSource = new ActivitySource("RedBook.Messaging.Tests.Writer");
        var sends = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "RedBook.Messaging.Tests.Writer" or "RedBook.Clients.Kafka",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "send feed.notes")
                {
                    lock (sends)
                    {
                        sends.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        OutboxMessage message;
        ActivityTraceId traceId;
        ActivitySpanId writerSpan;
        using (var writer = writerSource.StartActivity("write note.liked")!)
        {
            writer.TraceStateString = "redbook=1";
            (traceId, writerSpan) = (writer.TraceId, writer.SpanId);
            message = OutboxMessage.Create("feed.notes", "note-1", "note.liked", new TestPayload("note-1"), TestJsonContext.Default.TestPayload, TimeProvider.System);
        }

        await _store.WriteOutboxAsync([message]);
        var host = await MessagingTestHost.StartAsync(_kafka, _database, _ => { });
        try
        {
            var published = await _kafka.ReadAsync("feed.notes", 1);
            await Eventually.WaitAsync(() => { lock (sends) { return sends.Count == 1; } }, "the send activity stopped");

            var send = sends.Single();
            Assert.Equal(traceId, send.TraceId);
            Assert.Equal(writerSpan, send.ParentSpanId);
            Assert.Equal(send.Id, Header(published[0].Message.Headers, "traceparent"));
            Assert.StartsWith($"00-{traceId}-{send.SpanId}-", send.Id, StringComparison.Ordinal);
            Assert.Equal("redbook=1", Header(published[0].Message.Headers, "tracestate"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    internal static string? Header(Confluent.Kafka.Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}

public sealed record TestPayload(string NoteId);

[System.Text.Json.Serialization.JsonSerializable(typeof(TestPayload))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
public sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
