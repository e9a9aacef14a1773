using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Kafka;

public class BootstrapAddressTests
{
    [Theory]
    [InlineData("Bootstrap servers: 127.0.0.1:39093,127.0.0.1:40123", "127.0.0.1:39093,127.0.0.1:40123")]
    [InlineData("info: RedBook.Kafka.DevBroker[0] bootstrap.servers=localhost:9092", "localhost:9092")]
    [InlineData("2026-12-04T18:00:00Z Mock cluster ready; bootstrap [::1]:5000", "[::1]:5000")]
    public void Parse_LineWithTheAddress_ReturnsIt(string line, string expected) =>
        Assert.Equal(expected, BootstrapAddress.Parse(line));

    [Theory]
    [InlineData("Now listening on: http://127.0.0.1:5000")]
    [InlineData("bootstrap servers are starting")]
    [InlineData("bootstrap: 10.0.0.5:9092")]
    public void Parse_OtherLine_ReturnsNull(string line) =>
        Assert.Null(BootstrapAddress.Parse(line));

    [Fact]
    public async Task GetValueAsync_BeforeTheLine_WaitsForIt()
    {
        var address = new BootstrapAddress("kafka");
        var value = address.GetValueAsync().AsTask();

        Assert.False(value.IsCompleted);
        Assert.False(address.TryObserve("starting"));
        Assert.True(address.TryObserve("Bootstrap servers: 127.0.0.1:1234"));

        Assert.Equal("127.0.0.1:1234", await value);
        Assert.Equal("127.0.0.1:1234", address.Current);
        Assert.Equal("{kafka.bootstrapServers}", address.ValueExpression);
    }

    [Fact]
    public void Reset_AfterTheAddress_ForgetsIt()
    {
        var address = new BootstrapAddress("kafka");
        address.TryObserve("bootstrap=127.0.0.1:1");

        address.Reset();
        address.TryObserve("bootstrap=127.0.0.1:2");

        Assert.Equal("127.0.0.1:2", address.Current);
    }

    [Fact]
    public async Task DevBroker_ConnectionString_IsTheObservedAddress()
    {
        var broker = new RedBookKafkaDevBrokerResource("kafka");
        broker.Bootstrap.TryObserve("Bootstrap servers: 127.0.0.1:4242");

        Assert.Equal("127.0.0.1:4242", await broker.ConnectionStringExpression.GetValueAsync(default));
    }
}
