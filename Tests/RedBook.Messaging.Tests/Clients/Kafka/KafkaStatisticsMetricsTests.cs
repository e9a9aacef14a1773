using RedBook.Clients.Kafka;

namespace RedBook.Messaging.Tests.Clients.Kafka;

public sealed class KafkaStatisticsMetricsTests
{
    [Fact]
    public void Record_StatisticsJson_KeepsTheTotalsOfTheClient()
    {
        KafkaStatisticsMetrics.Record("""
            {"name":"stats-test#producer-1","client_id":"feed","type":"producer","replyq":2,"msg_cnt":3,"msg_size":40,
             "tx":5,"tx_bytes":600,"rx":7,"rx_bytes":800,"txmsgs":9,"txmsg_bytes":1000,"rxmsgs":0,"rxmsg_bytes":0,"brokers":{}}
            """);

        Assert.True(KafkaStatisticsMetrics.TryGet("stats-test#producer-1", out var snapshot));
        Assert.Equal(new KafkaStatisticsMetrics.Snapshot("stats-test#producer-1", "feed", "producer", 2, 3, 40, 5, 600, 7, 800, 9, 1000, 0, 0), snapshot);
        KafkaStatisticsMetrics.Remove("stats-test#producer-1");
    }

    [Fact]
    public void Record_MalformedJson_IsIgnored()
    {
        KafkaStatisticsMetrics.Record("{\"name\":\"stats-test#broken\",");

        Assert.False(KafkaStatisticsMetrics.TryGet("stats-test#broken", out _));
    }
}
