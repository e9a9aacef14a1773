using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using RedBook.Kafka.DevBroker;
using RedBook.Messaging.Tests.Support;

namespace RedBook.Messaging.Tests.DevBroker;

[Collection(KafkaCollection.Name)]
public sealed class MockKafkaClusterTests
{
    [Fact]
    public async Task Start_FixedPort_ClientsProduceAndConsumeThroughIt()
    {
        var port = FreePort();
        using var cluster = MockKafkaCluster.Start(new MockKafkaClusterOptions { Port = port, GroupInitialRebalanceDelayMs = 50, Topics = { ["fixed"] = 1 } });

        Assert.Equal($"127.0.0.1:{port}", cluster.BootstrapServers);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).Build())
        {
            await producer.ProduceAsync("fixed", new Message<string, string> { Key = "k", Value = "through the forwarder" });
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "fixed-readers",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("fixed");
        ConsumeResult<string, string>? result = null;
        await Eventually.WaitAsync(() => (result = consumer.Consume(TimeSpan.FromMilliseconds(200))) is not null, "the message was consumed");
        consumer.Close();

        Assert.Equal("through the forwarder", result!.Message.Value);
    }

    [Fact]
    public void Start_FixedPortInUse_ThrowsNamingThePort()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var error = Assert.Throws<InvalidOperationException>(() => MockKafkaCluster.Start(new MockKafkaClusterOptions { Port = port }));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetBrokerDown_UnknownBroker_Throws()
    {
        using var cluster = MockKafkaCluster.Start(new MockKafkaClusterOptions { Brokers = 2 });

        Assert.Equal(2, cluster.BootstrapServers.Split(',').Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerUp(0));
        cluster.SetBrokerDown(2);
        cluster.SetBrokerUp(2);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(17, null)]
    [InlineData(1, 70000)]
    public void Start_OptionsOutOfRange_Throw(int brokers, int? port)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MockKafkaCluster.Start(new MockKafkaClusterOptions { Brokers = brokers, Port = port }));
    }

    [Fact]
    public void Dispose_Twice_IsHarmlessAndLaterCallsThrow()
    {
        var cluster = MockKafkaCluster.Start();
        cluster.Dispose();
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.SetBrokerDown());
    }

    [Fact]
    public void LibrdkafkaVersion_LoadedLibrary_Is2_16()
    {
        Assert.StartsWith("2.16.", MockKafkaCluster.LibrdkafkaVersion, StringComparison.Ordinal);
        Assert.True(File.Exists(LibRdKafkaNative.LoadedPath));
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
