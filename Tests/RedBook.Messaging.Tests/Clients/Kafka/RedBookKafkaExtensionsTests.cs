using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RedBook.Clients.Kafka;
using RedBook.Messaging.Tests.Support;

namespace RedBook.Messaging.Tests.Clients.Kafka;

/// <summary>The Kafka client integration's registrations against librdkafka's mock cluster.</summary>
[Collection(KafkaCollection.Name)]
public sealed class RedBookKafkaExtensionsTests : IDisposable
{
    private readonly KafkaTestCluster _kafka = new(("orders", 1));

    public void Dispose() => _kafka.Dispose();

    private HostApplicationBuilder Builder(params (string Key, string Value)[] extra)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
            new[] { new KeyValuePair<string, string?>("ConnectionStrings:kafka", _kafka.BootstrapServers) }
                .Concat(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))));
        builder.Services.AddLogging();
        return builder;
    }

    [Fact]
    public async Task AddRedBookKafkaProducerAndConsumer_CurrentActivity_TravelsInTheHeadersToTheReceive()
    {
        var builder = Builder(("RedBook:Clients:Kafka:Consumer:Config:GroupId", "readers"), ("RedBook:Clients:Kafka:Consumer:Config:AutoOffsetReset", "Earliest"));
        builder.AddRedBookKafkaProducer<string, string>("kafka");
        builder.AddRedBookKafkaConsumer<string, string>("kafka");
        using var host = builder.Build();
        var stopped = new List<Activity>();
        using var source = new ActivitySource("RedBook.Messaging.Tests.Caller");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "RedBook.Messaging.Tests.Caller" or RedBookKafkaTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        ActivityTraceId trace;
        using (var caller = source.StartActivity("place order")!)
        {
            trace = caller.TraceId;
            await producer.ProduceAsync("orders", new Message<string, string> { Key = "o-1", Value = "{}" });
            Assert.Same(caller, Activity.Current);
        }

        var consumer = host.Services.GetRequiredService<IConsumer<string, string>>();
        consumer.Subscribe("orders");
        ConsumeResult<string, string>? received = null;
        await Eventually.WaitAsync(() => (received = consumer.Consume(TimeSpan.FromMilliseconds(200))) is not null, "the message was consumed");
        consumer.Close();

        Assert.True(received!.Message.Headers.TryGetLastBytes("traceparent", out var traceParent));
        Activity send, receive;
        lock (stopped)
        {
            send = stopped.Single(a => a.OperationName == "send orders");
            receive = stopped.Single(a => a.OperationName == "receive orders");
        }

        Assert.Equal(send.Id, Encoding.UTF8.GetString(traceParent));
        Assert.Equal(trace, send.TraceId);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(trace, receive.TraceId);
        Assert.Equal(send.SpanId, receive.ParentSpanId);
        Assert.Equal("readers", receive.GetTagItem("messaging.consumer.group.name"));
    }

    [Fact]
    public void AddKeyedRedBookKafkaProducer_Key_ResolvesOnlyByKey()
    {
        var builder = Builder();
        builder.AddKeyedRedBookKafkaProducer<string, string>("kafka", s => s.DisableHealthChecks = true);
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredKeyedService<IProducer<string, string>>("kafka"));
        Assert.Null(host.Services.GetService<IProducer<string, string>>());
        Assert.Empty(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations);
    }

    [Fact]
    public async Task HealthCheck_BrokerUpThenDown_HealthyThenUnhealthy()
    {
        var builder = Builder();
        builder.AddRedBookKafkaProducer<string, string>("kafka", s => s.HealthCheckTimeout = TimeSpan.FromSeconds(1));
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var up = await health.CheckHealthAsync();
        _kafka.Cluster.SetBrokerDown();
        var down = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, up.Entries["redbook-kafka-producer"].Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["redbook-kafka-producer"].Status);
    }

    [Fact]
    public async Task Metrics_LibrdkafkaStatistics_AreRecordedPerClient()
    {
        var builder = Builder(("RedBook:Clients:Kafka:Producer:Config:StatisticsIntervalMs", "100"));
        builder.AddRedBookKafkaProducer<string, string>("kafka");
        using var host = builder.Build();
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();

        await producer.ProduceAsync("orders", new Message<string, string> { Key = "o-1", Value = "{}" });

        await Eventually.WaitAsync(() => KafkaStatisticsMetrics.TryGet(producer.Name, out var s) && s.TxMessages >= 1, "the statistics counted the message");
        producer.Dispose();
        Assert.False(KafkaStatisticsMetrics.TryGet(producer.Name, out _));
    }
}
