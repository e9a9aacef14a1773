using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace RedBook.Messaging.Tests.Clients.Kafka;

public sealed class RedBookKafkaSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void ReadRedBookKafkaProducerSettings_SectionsAndConnectionString_BindInOrder()
    {
        var configuration = Configuration(
            ("ConnectionStrings:kafka", "127.0.0.1:9092"),
            ("RedBook:Clients:Kafka:Producer:Config:Acks", "All"),
            ("RedBook:Clients:Kafka:Producer:Config:linger.ms", "7"),
            ("RedBook:Clients:Kafka:Producer:DisableMetrics", "true"),
            ("RedBook:Clients:Kafka:Producer:kafka:Config:ClientId", "feed-api"),
            ("RedBook:Clients:Kafka:Producer:kafka:HealthCheckTimeout", "00:00:02"));

        var settings = configuration.ReadRedBookKafkaProducerSettings("kafka", s => s.DisableTracing = true);

        Assert.Equal("127.0.0.1:9092", settings.Config.BootstrapServers);
        Assert.Equal(Acks.All, settings.Config.Acks);
        Assert.Equal("7", settings.Config.Get("linger.ms"));
        Assert.Equal("feed-api", settings.Config.ClientId);
        Assert.True(settings.DisableMetrics);
        Assert.True(settings.DisableTracing);
        Assert.False(settings.DisableHealthChecks);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.HealthCheckTimeout);
    }

    [Fact]
    public void ReadRedBookKafkaProducerSettings_KeyValueConnectionString_SetsSecurity()
    {
        var configuration = Configuration(("ConnectionStrings:kafka",
            "BootstrapServers=broker:9092;SecurityProtocol=SaslPlaintext;SaslMechanism=Plain;SaslUsername=kafka;SaslPassword=\"se;cr=et\""));

        var config = configuration.ReadRedBookKafkaProducerSettings("kafka").Config;

        Assert.Equal("broker:9092", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslPlaintext, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.Plain, config.SaslMechanism);
        Assert.Equal("kafka", config.SaslUsername);
        Assert.Equal("se;cr=et", config.SaslPassword);
    }

    [Theory]
    [InlineData("BootstrapServers=broker:9092;Linger=5", "unsupported key 'linger'")]
    [InlineData("BootstrapServers=broker:9092;SecurityProtocol=Carrier", "'Carrier' is not one of")]
    public void ReadRedBookKafkaProducerSettings_BadConnectionString_ThrowsWithTheReason(string connectionString, string reason)
    {
        var configuration = Configuration(("ConnectionStrings:kafka", connectionString));

        var error = Assert.Throws<InvalidOperationException>(() => configuration.ReadRedBookKafkaProducerSettings("kafka"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRedBookKafkaProducerSettings_NoBootstrapServers_ThrowsNamingTheSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Configuration().ReadRedBookKafkaProducerSettings("kafka"));

        Assert.Contains("ConnectionStrings:kafka", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRedBookKafkaConsumerSettings_NoGroupId_Throws()
    {
        var configuration = Configuration(("ConnectionStrings:kafka", "127.0.0.1:9092"));

        var error = Assert.Throws<InvalidOperationException>(() => configuration.ReadRedBookKafkaConsumerSettings("kafka"));

        Assert.Contains("GroupId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRedBookKafkaConsumerSettings_GroupFromTheNamedSection_IsRead()
    {
        var configuration = Configuration(
            ("ConnectionStrings:kafka", "127.0.0.1:9092"),
            ("RedBook:Clients:Kafka:Consumer:kafka:Config:GroupId", "feed-counters"),
            ("RedBook:Clients:Kafka:Consumer:Config:AutoOffsetReset", "Earliest"));

        var config = configuration.ReadRedBookKafkaConsumerSettings("kafka").Config;

        Assert.Equal("feed-counters", config.GroupId);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
    }
}
