using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedBook.Testing.Redis;

/// <summary>
/// One real redis-server (Debian's package, /usr/bin/redis-server) on a free loopback port, without persistence. It
/// starts on <see cref="StartAsync"/>, answers PING before that returns, and is killed on dispose. Shared by every test
/// project that needs Redis (linked from Tests/Shared).
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(30);
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private Process? _process;

    public RedisServerProcess()
    {
        Binary = FindBinary();
        Port = FreePort();
    }

    public string Binary { get; }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string (<c>127.0.0.1:port</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>redis-server's output so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Finds redis-server at /usr/bin or on PATH, or fails with what to install.</summary>
    public static string FindBinary()
    {
        var candidates = new[] { "/usr/bin/redis-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "redis-server")));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "The Redis tests need a redis-server binary (/usr/bin/redis-server or on PATH). " +
                "Install Debian's package: 'sudo apt-get install redis-server' (.ci/run does this).");
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilReadyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + s_readyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"redis-server exited during start-up. Output:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"redis-server did not answer PING within {s_readyTimeout}. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_output.Length > 100_000)
            {
                _output.Remove(0, 50_000);
            }

            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
