using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RedBook.Hosting;

/// <summary>
/// Healthy when a broker of the bootstrap list answers a Kafka <c>ApiVersions</c> request without an error: the
/// broker speaks the protocol and accepts clients. Written on a socket, because the AppHost then needs no native
/// librdkafka (whose generic Linux build doesn't load on every distribution).
/// </summary>
internal sealed class KafkaApiVersionsHealthCheck(Func<string?> bootstrapServers) : IHealthCheck
{
    private const short ApiVersionsKey = 18;
    private const string ClientId = "redbook-apphost";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (bootstrapServers() is not { Length: > 0 } servers)
        {
            return HealthCheckResult.Unhealthy("The bootstrap address is unavailable.");
        }

        Exception? last = null;
        foreach (var (host, port) in ParseBootstrapServers(servers))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(s_timeout);
                var errorCode = await ProbeAsync(host, port, timeout.Token).ConfigureAwait(false);
                if (errorCode == 0)
                {
                    return HealthCheckResult.Healthy();
                }

                last = new InvalidOperationException($"{host}:{port} answered ApiVersions with error code {errorCode}.");
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or InvalidDataException)
            {
                last = exception;
            }
        }

        return HealthCheckResult.Unhealthy($"No broker of '{servers}' answers the Kafka protocol yet.", last);
    }

    /// <summary>Splits <c>host:port[,host:port…]</c>; IPv6 hosts are written in brackets.</summary>
    internal static List<(string Host, int Port)> ParseBootstrapServers(string servers)
    {
        var result = new List<(string, int)>();
        foreach (var entry in servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            {
                throw new FormatException($"'{entry}' is not host:port.");
            }

            result.Add((entry[..colon].Trim('[', ']'), port));
        }

        return result;
    }

    /// <summary>An ApiVersions v0 request: size, api key, api version, correlation id, client id.</summary>
    internal static byte[] ApiVersionsRequest(int correlationId)
    {
        var request = new byte[4 + 2 + 2 + 4 + 2 + ClientId.Length];
        BinaryPrimitives.WriteInt32BigEndian(request, request.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(4), ApiVersionsKey);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(6), 0);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), correlationId);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(12), (short)ClientId.Length);
        System.Text.Encoding.ASCII.GetBytes(ClientId, request.AsSpan(14));
        return request;
    }

    /// <summary>Reads the response's header and error code; throws when the answer isn't one.</summary>
    internal static short ReadErrorCode(ReadOnlySpan<byte> responseAfterSize, int correlationId)
    {
        if (responseAfterSize.Length < 6)
        {
            throw new InvalidDataException("The ApiVersions response is too short.");
        }

        if (BinaryPrimitives.ReadInt32BigEndian(responseAfterSize) != correlationId)
        {
            throw new InvalidDataException("The ApiVersions response answers another request.");
        }

        return BinaryPrimitives.ReadInt16BigEndian(responseAfterSize[4..]);
    }

    private static async Task<short> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        var correlationId = Random.Shared.Next();
        await stream.WriteAsync(ApiVersionsRequest(correlationId), cancellationToken).ConfigureAwait(false);

        var size = new byte[4];
        await stream.ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        if (length is < 6 or > 1 << 20)
        {
            throw new InvalidDataException($"The ApiVersions response claims {length} bytes.");
        }

        var response = new byte[length];
        await stream.ReadExactlyAsync(response, cancellationToken).ConfigureAwait(false);
        return ReadErrorCode(response, correlationId);
    }
}
