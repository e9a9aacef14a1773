using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.FunctionalTests.ServiceDefaults;

/// <summary>
/// A request body the client sends too slowly, or too much of, is the client's fault: a 4xx whose code and reason
/// say so, never a 5xx or a code that blames the server. Raw sockets, so the client can be as slow as it likes.
/// </summary>
public class RequestBodyTests
{
    private static Task<KestrelApp> StartAsync(Action<KestrelServerOptions>? kestrel = null) => KestrelApp.StartAsync(
        a => a.MapPost("/upload", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
            }

            return total.ToString(CultureInfo.InvariantCulture);
        }),
        b => b.Services.Configure<KestrelServerOptions>(o => kestrel?.Invoke(o)));

    [Fact]
    public async Task Body_SentTooSlowly_Gets408WithAMatchingCodeAndReason()
    {
        // Kestrel's minimum body rate (240 B/s after a 5 s grace by default) with a short grace, so the test is quick.
        await using var app = await StartAsync(o => o.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2)));
        using var socket = await ConnectAsync(app);
        await SendAsync(socket, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n");

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                try
                {
                    await socket.SendAsync(new byte[] { (byte)'a' }, SocketFlags.None);
                }
                catch (SocketException)
                {
                    return; // the server gave up on us, as it should
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        });
        var response = await ReadResponseAsync(socket);
        await sending;

        Assert.StartsWith("HTTP/1.1 408 ", response.StatusLine, StringComparison.Ordinal);
        var error = Error(response);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(WellKnownReasons.RequestTimeout, error.Reason);
    }

    [Fact]
    public async Task Body_LargerThanTheServerTakes_Gets413WithAMatchingCodeAndReason()
    {
        await using var app = await StartAsync(); // Kestrel's default limit: 30,000,000 bytes
        using var socket = await ConnectAsync(app);
        await SendAsync(socket, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 52428800\r\n\r\n");
        await socket.SendAsync(new byte[64 * 1024], SocketFlags.None); // the first of 50 MB; the server refuses before more

        var response = await ReadResponseAsync(socket);

        Assert.StartsWith("HTTP/1.1 413 ", response.StatusLine, StringComparison.Ordinal);
        var error = Error(response);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(WellKnownReasons.PayloadTooLarge, error.Reason);
        Assert.Contains("30000000", error.Message, StringComparison.Ordinal);
    }

    private static RedBookError Error((string StatusLine, Dictionary<string, string> Headers, string Body) response)
    {
        Assert.True(RedBookErrorParser.TryParseBody(Encoding.UTF8.GetBytes(response.Body), out var error), response.Body);
        Assert.Equal(((int)error.Code).ToString(CultureInfo.InvariantCulture), response.Headers["x-redbook-code"]);
        Assert.Equal(error.Reason, response.Headers["x-redbook-reason"]);
        return error;
    }

    private static async Task<Socket> ConnectAsync(KestrelApp app)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    /// <summary>Reads one HTTP/1.1 response with a Content-Length body (or up to the close).</summary>
    private static async Task<(string StatusLine, Dictionary<string, string> Headers, string Body)> ReadResponseAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<byte>();
        var buffer = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "the server closed the connection without a response");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var head = Encoding.ASCII.GetString([.. received.Take(headerEnd)]).Split("\r\n");
        var headers = head.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var length = int.Parse(headers["content-length"], CultureInfo.InvariantCulture);
        while (received.Count < headerEnd + 4 + length)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "the server closed the connection in the middle of the body");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return (head[0], headers, Encoding.UTF8.GetString([.. received.Skip(headerEnd + 4).Take(length)]));
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
