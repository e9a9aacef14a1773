using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using RedBook.Messaging.Consuming;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Telemetry;
using RedBook.Messaging.Tests.Relay;
using RedBook.Messaging.Tests.Sqlite;
using RedBook.Messaging.Tests.Support;

namespace RedBook.Messaging.Tests.Consuming;

/// <summary>
/// The relay and consumer groups end to end: SQLite outbox → relay → librdkafka's mock cluster → consumer host →
/// a SQLite store that records each effect with its processed-message record in one transaction.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class EventConsumerHostTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly EffectStore _store;
    private readonly KafkaTestCluster _kafka = new(("feed.notes", 4), ("feed.notes.dlq", 1));

    public EventConsumerHostTests() => _store = new EffectStore(_database);

    public void Dispose()
    {
        _kafka.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task ConsumerGroups_TwoGroups_EachAppliesEveryEventOnce()
    {
        await _store.CreateAsync();
        var messages = Enumerable.Range(1, 20).Select(i => MessagingTestHost.Event(i, $"note-{i % 5}")).ToList();
        await _store.WriteOutboxAsync(messages);

        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
        {
            builder.AddRedBookEventConsumer("kafka", "feed-counters", c => c.Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct)));
            builder.AddRedBookEventConsumer("kafka", "feed-sales", c => c.Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct)));
        });
        try
        {
            await WaitForEffectsAsync("feed-counters", messages);
            await WaitForEffectsAsync("feed-sales", messages);
        }
        finally
        {
            await host.StopAsync();
        }

        await AssertExactlyOnceAsync("feed-counters", messages);
        await AssertExactlyOnceAsync("feed-sales", messages);
    }

    [Fact]
    public async Task TraceContext_WriterToConsumer_IsOneTrace()
    {
        await _store.CreateAsync();
        using var writerSource = new ActivitySource("RedBook.Messaging.Tests.Writer");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "RedBook.Messaging.Tests.Writer" or "RedBook.Clients.Kafka",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        OutboxMessage message;
        ActivityTraceId writerTrace;
        using (var writer = writerSource.StartActivity("write note.liked")!)
        {
            writerTrace = writer.TraceId;
            message = OutboxMessage.Create("feed.notes", "note-1", "note.liked", new TestPayload("note-1"), TestJsonContext.Default.TestPayload, TimeProvider.System);
        }

        await _store.WriteOutboxAsync([message]);
        var seen = new ConcurrentQueue<(ActivityTraceId Trace, string Name, ActivityKind Kind, string? Parent)>();
        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
            builder.AddRedBookEventConsumer("kafka", "feed-counters", c => c.Handle("feed.notes", ["note.liked"], (_, e, ct) =>
            {
                var current = Activity.Current!;
                seen.Enqueue((current.TraceId, current.OperationName, current.Kind, current.ParentId));
                return _store.ApplyAsync(e, ct);
            })));
        try
        {
            await Eventually.WaitAsync(() => !seen.IsEmpty, "the handler ran");
        }
        finally
        {
            await host.StopAsync();
        }

        var (trace, name, kind, parent) = seen.First();
        Assert.Equal(writerTrace, trace);
        Assert.Equal("process feed.notes", name);
        Assert.Equal(ActivityKind.Consumer, kind);
        Assert.NotNull(parent);
    }

    [Fact]
    public async Task Redelivery_SameMessageTwice_HasOneEffect()
    {
        await _store.CreateAsync();
        var outcomes = new ConcurrentQueue<bool>();
        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
            builder.AddRedBookEventConsumer("kafka", "feed-counters", c => c.Handle("feed.notes", ["note.liked"], async (_, e, ct) =>
            {
                var applied = await _store.ApplyAsync(e, ct);
                outcomes.Enqueue(applied);
                return applied;
            })));
        try
        {
            // The relay's rare re-publish (a crash between Kafka's acknowledgement and the mark): the same message twice.
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
            var headers = new Headers
            {
                { MessageHeaders.MessageId, Encoding.UTF8.GetBytes("m-1") },
                { MessageHeaders.MessageType, Encoding.UTF8.GetBytes("note.liked") },
            };
            for (var i = 0; i < 2; i++)
            {
                await producer.ProduceAsync("feed.notes", new Message<string, string> { Key = "note-1", Value = "{}", Headers = headers });
            }

            await Eventually.WaitAsync(() => outcomes.Count == 2, "both deliveries were handled", () => $"{outcomes.Count} handled");
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal([true, false], outcomes);
        Assert.Equal(new Dictionary<string, int> { ["m-1"] = 1 }, await _store.EffectsAsync("feed-counters"));
    }

    [Fact]
    public async Task PoisonMessage_AfterMaxAttempts_GoesToTheDeadLetterTopicAndTheGroupMovesOn()
    {
        await _store.CreateAsync();
        var poison = MessagingTestHost.Event(1, "note-1", type: "note.commented");
        var healthy = MessagingTestHost.Event(2, "note-1");
        var unhandled = MessagingTestHost.Event(3, "note-1", type: "note.unknown");
        await _store.WriteOutboxAsync([poison, unhandled, healthy]);
        var attempts = 0;
        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
            builder.AddRedBookEventConsumer("kafka", "feed-counters",
                c => c
                    .Handle("feed.notes", ["note.commented"], (_, e, _) =>
                    {
                        Interlocked.Increment(ref attempts);
                        throw new InvalidOperationException($"cannot apply {e.Type} (attempt {e.Attempt})");
                    })
                    .Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct)),
                o =>
                {
                    o.MaxAttempts = 3;
                    o.MinBackoff = TimeSpan.FromMilliseconds(10);
                }));
        try
        {
            var deadLetters = await _kafka.ReadAsync("feed.notes.dlq", 1);
            await WaitForEffectsAsync("feed-counters", [healthy]);

            var deadLetter = deadLetters.Single().Message;
            Assert.Equal(poison.Id, OutboxRelayTests.Header(deadLetter.Headers, MessageHeaders.MessageId));
            Assert.Equal(poison.Payload, deadLetter.Value);
            Assert.Equal("System.InvalidOperationException: cannot apply note.commented (attempt 3)", OutboxRelayTests.Header(deadLetter.Headers, MessageHeaders.DeadLetterError));
            Assert.Equal("feed.notes", OutboxRelayTests.Header(deadLetter.Headers, MessageHeaders.DeadLetterTopic));
            Assert.Equal("feed-counters", OutboxRelayTests.Header(deadLetter.Headers, MessageHeaders.DeadLetterConsumerGroup));
            Assert.Equal("3", OutboxRelayTests.Header(deadLetter.Headers, MessageHeaders.DeadLetterAttempts));
            Assert.Equal(3, Volatile.Read(ref attempts));
        }
        finally
        {
            await host.StopAsync();
        }

        // The poison and the unhandled type were committed with the rest: a new member of the group starts after them.
        var restartedAttempts = 0;
        var later = MessagingTestHost.Event(4, "note-1");
        await _store.WriteOutboxAsync([later]);
        var restarted = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
            builder.AddRedBookEventConsumer("kafka", "feed-counters",
                c => c
                    .Handle("feed.notes", ["note.commented"], (_, _, _) =>
                    {
                        Interlocked.Increment(ref restartedAttempts);
                        throw new InvalidOperationException("poison again");
                    })
                    .Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct))));
        try
        {
            await WaitForEffectsAsync("feed-counters", [healthy, later]);
        }
        finally
        {
            await restarted.StopAsync();
        }

        Assert.Equal(0, Volatile.Read(ref restartedAttempts));
        await AssertExactlyOnceAsync("feed-counters", [healthy, later]);
    }

    [Fact]
    public async Task ConsumerGroup_StartedBeforeItsTopicExists_ReceivesTheFirstEvents()
    {
        await _store.CreateAsync();
        using var consumeErrors = new CounterListener("redbook.messaging.consumer.consume_errors");
        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
            builder.AddRedBookEventConsumer("kafka", "feed-sales", c => c.Handle("shop.orders", ["order.placed"], (_, e, ct) => _store.ApplyAsync(e, ct))));
        try
        {
            // The group has found its topic missing before there is anything to read.
            await Eventually.WaitAsync(() => consumeErrors.Total > 0, "the consumer reported the missing topic", () => "no consume error");

            // The relay's publish auto-creates the topic after the group subscribed to it.
            var placed = MessagingTestHost.Event(1, "order-1", type: "order.placed", topic: "shop.orders");
            await _store.WriteOutboxAsync([placed]);

            await WaitForEffectsAsync("feed-sales", [placed]);
        }
        finally
        {
            await host.StopAsync();
        }

        // Consuming a topic that does not exist yet fails (UNKNOWN_TOPIC_OR_PART) with a record at no offset: that is
        // not a message, and nothing may be dead-lettered for it.
        Assert.Equal(0, _kafka.MessageCount("shop.orders.dlq"));
    }

    /// <summary>
    /// Stop the broker, write, start the broker again, and every event arrives exactly once per
    /// consumer group.
    /// </summary>
    [Fact]
    public async Task BrokerDown_WritesDuringTheOutage_ArriveExactlyOncePerConsumerGroup()
    {
        await _store.CreateAsync();
        using var failures = new CounterListener("redbook.messaging.relay.failures");
        var before = Enumerable.Range(1, 5).Select(i => MessagingTestHost.Event(i, $"note-{i % 3}")).ToList();
        List<OutboxMessage> during = [];
        await _store.WriteOutboxAsync(before);
        var host = await MessagingTestHost.StartAsync(_kafka, _database, builder =>
        {
            builder.AddRedBookEventConsumer("kafka", "feed-counters", c => c.Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct)));
            builder.AddRedBookEventConsumer("kafka", "feed-sales", c => c.Handle("feed.notes", ["note.liked"], (_, e, ct) => _store.ApplyAsync(e, ct)));
        }, relay: o => o.PublishTimeout = TimeSpan.FromSeconds(1));
        try
        {
            await WaitForEffectsAsync("feed-counters", before);
            await WaitForEffectsAsync("feed-sales", before);

            _kafka.Cluster.SetBrokerDown();
            during = Enumerable.Range(6, 15).Select(i => MessagingTestHost.Event(i, $"note-{i % 3}")).ToList();
            foreach (var chunk in during.Chunk(5))
            {
                await _store.WriteOutboxAsync(chunk);
            }

            // The outage is real: the relay tried, Kafka did not acknowledge, and the outbox still holds the writes.
            await Eventually.WaitAsync(() => failures.Total > 0, "the relay saw a failed publish");
            Assert.True(await _store.UnsentCountAsync() > 0);

            _kafka.Cluster.SetBrokerUp();

            var all = before.Concat(during).ToList();
            await WaitForEffectsAsync("feed-counters", all);
            await WaitForEffectsAsync("feed-sales", all);
            await Eventually.WaitAsync(async () => await _store.UnsentCountAsync() == 0, "the outbox is drained");
        }
        finally
        {
            await host.StopAsync();
        }

        await AssertExactlyOnceAsync("feed-counters", before.Concat(during).ToList());
        await AssertExactlyOnceAsync("feed-sales", before.Concat(during).ToList());
    }

    private async Task WaitForEffectsAsync(string group, List<OutboxMessage> messages) =>
        await Eventually.WaitAsync(
            async () =>
            {
                var effects = await _store.EffectsAsync(group);
                return messages.All(m => effects.ContainsKey(m.Id));
            },
            $"{group} applied {messages.Count} events",
            async () => $"{(await _store.EffectsAsync(group)).Count} applied");

    private async Task AssertExactlyOnceAsync(string group, List<OutboxMessage> messages)
    {
        var effects = await _store.EffectsAsync(group);
        Assert.Equal(messages.Select(m => m.Id).Order(StringComparer.Ordinal), effects.Keys.Order(StringComparer.Ordinal));
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }

    /// <summary>Sums one of the messaging counters while it lives.</summary>
    private sealed class CounterListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterListener(string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == MessagingMetrics.MeterName && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
