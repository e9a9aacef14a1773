using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Kafka;

public class KafkaApiVersionsHealthCheckTests
{
    [Fact]
    public void ApiVersionsRequest_CorrelationId_IsAVersion0RequestWithItsSizePrefix()
    {
        var request = KafkaApiVersionsHealthCheck.ApiVersionsRequest(0x01020304);

        Assert.Equal(request.Length - 4, BinaryPrimitives.ReadInt32BigEndian(request));
        Assert.Equal(18, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(4)));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(6)));
        Assert.Equal(0x01020304, BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8)));
        Assert.Equal("redbook-apphost", System.Text.Encoding.ASCII.GetString(request, 14, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(12))));
    }

    [Fact]
    public void ReadErrorCode_OtherCorrelationId_Throws()
    {
        var response = Response(correlationId: 7, errorCode: 0);

        Assert.Throws<InvalidDataException>(() => KafkaApiVersionsHealthCheck.ReadErrorCode(response, 8));
        Assert.Equal(0, KafkaApiVersionsHealthCheck.ReadErrorCode(response, 7));
        Assert.Equal(35, KafkaApiVersionsHealthCheck.ReadErrorCode(Response(7, 35), 7));
    }

    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1", 9092)]
    [InlineData("localhost:1, localhost:2", "localhost", 1)]
    [InlineData("[::1]:9093", "::1", 9093)]
    public void ParseBootstrapServers_List_ReturnsHostsAndPortsInOrder(string servers, string firstHost, int firstPort)
    {
        var parsed = KafkaApiVersionsHealthCheck.ParseBootstrapServers(servers);

        Assert.Equal((firstHost, firstPort), parsed[0]);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:0")]
    [InlineData("localhost:99999")]
    [InlineData(":9092")]
    public void ParseBootstrapServers_NotHostPort_Throws(string servers) =>
        Assert.Throws<FormatException>(() => KafkaApiVersionsHealthCheck.ParseBootstrapServers(servers));

    [Fact]
    public async Task CheckHealthAsync_BrokerAnswersWithoutError_IsHealthy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var broker = AnswerOnceAsync(listener, errorCode: 0);
        var check = new KafkaApiVersionsHealthCheck(() => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

        var result = await check.CheckHealthAsync(new());
        await broker;

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_BrokerAnswersAnError_IsUnhealthy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var broker = AnswerOnceAsync(listener, errorCode: 35);
        var check = new KafkaApiVersionsHealthCheck(() => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

        var result = await check.CheckHealthAsync(new());
        await broker;

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_NothingListens_IsUnhealthy()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var result = await new KafkaApiVersionsHealthCheck(() => $"127.0.0.1:{port}").CheckHealthAsync(new());
        var unknown = await new KafkaApiVersionsHealthCheck(() => null).CheckHealthAsync(new());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(HealthStatus.Unhealthy, unknown.Status);
    }

    /// <summary>Accepts one connection, reads one request and answers it with the request's correlation id.</summary>
    private static async Task AnswerOnceAsync(TcpListener listener, short errorCode)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var size = new byte[4];
        await stream.ReadExactlyAsync(size);
        var request = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(request);
        var body = Response(BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4)), errorCode);
        var framed = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, body.Length);
        body.CopyTo(framed, 4);
        await stream.WriteAsync(framed);
    }

    /// <summary>A v0 ApiVersions response after its size: correlation id, error code, an empty array.</summary>
    private static byte[] Response(int correlationId, short errorCode)
    {
        var response = new byte[10];
        BinaryPrimitives.WriteInt32BigEndian(response, correlationId);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(4), errorCode);
        BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(6), 0);
        return response;
    }
}
