using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedBook.Testing;

/// <summary>
/// One real redis-server (Debian's package, <c>/usr/bin/redis-server</c>) on a free loopback port, without
/// persistence, in a temporary directory. It can be stopped (killed, like a crash) and started again on the same port
/// (empty, as a restarted cache), and deletes its directory on dispose. Link this file into a test project
/// (<c>&lt;Compile Include="..\Shared\**\*.cs" LinkBase="Shared" /&gt;</c>) and share one instance through an xunit
/// fixture; tests keep apart by key prefix.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();
    private Process? _process;

    public RedisServerProcess()
    {
        Binary = FindBinary();
        Port = FreePort();
        Directory = Path.Combine(Path.GetTempPath(), "redbook-redis-" + Guid.NewGuid().ToString("N"));
    }

    public string Binary { get; }

    public int Port { get; }

    /// <summary>The working directory of the server (it writes nothing there: persistence is off).</summary>
    public string Directory { get; }

    /// <summary>A StackExchange.Redis connection string (what Aspire puts in <c>ConnectionStrings:redis</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The combined stdout/stderr of the server, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_outputGate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Finds redis-server at /usr/bin/redis-server or on PATH, or fails with what to install.</summary>
    public static string FindBinary() =>
        ServerBinary.Find("redis-server", "Install Debian's package: 'sudo apt-get install -y redis-server', then stop the system service.");

    /// <summary>Starts the server (again, on the same port) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        })
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

    /// <summary>Kills the server (as a crash would) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Sends one command over a fresh connection and returns the raw RESP reply (for set-up and checks without a client library).</summary>
    public async Task<string> ExecuteAsync(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        var reply = new List<byte>();
        var buffer = new byte[16 * 1024];
        do
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            reply.AddRange(buffer.AsSpan(0, read));
        }
        while (!IsComplete(reply));

        return Encoding.UTF8.GetString([.. reply]);
    }

    /// <summary>A simple reply ends with its first CRLF; a bulk string ($length) once its payload and CRLF are in.</summary>
    private static bool IsComplete(List<byte> reply)
    {
        var text = Encoding.UTF8.GetString([.. reply]);
        var firstLine = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (firstLine < 0)
        {
            return false;
        }

        if (text[0] != '$' || !int.TryParse(text.AsSpan(1, firstLine - 1), out var length) || length < 0)
        {
            return true;
        }

        return reply.Count >= firstLine + 2 + length + 2;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open; the temp directory gets cleaned by the OS.
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
                if ((await ExecuteAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer PING within {s_readyTimeout}. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
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
