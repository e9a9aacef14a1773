using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedBook.Bff.Tests.Support;

/// <summary>
/// One real etcd (Debian's etcd-server, <c>/usr/bin/etcd</c>) on free loopback ports with a temporary data directory,
/// and puts and deletes through its JSON gateway (what <c>etcdctl put</c> does).
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "redbook-bff-etcd-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private Process? _process;

    public int ClientPort { get; } = FreePort();

    public int PeerPort { get; } = FreePort();

    public string Endpoint => $"http://127.0.0.1:{ClientPort}";

    public async Task StartAsync()
    {
        var binary = RedBook.Testing.ServerBinary.Find("etcd", "Install Debian's package: 'sudo apt-get install -y etcd-server', then stop the system service.");
        Directory.CreateDirectory(_directory);
        var peer = $"http://127.0.0.1:{PeerPort}";
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--name", "bff-test", "--data-dir", _directory,
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"bff-test={peer}", "--initial-cluster-state", "new",
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("etcd exited during start-up:\n" + Output);
            }

            try
            {
                if ((await http.GetStringAsync(new Uri(Endpoint + "/health"))).Contains("\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("etcd did not become healthy within 60 s:\n" + Output);
    }

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

    /// <summary>etcdctl put.</summary>
    public Task PutAsync(string key, string value) =>
        PostAsync("/v3/kv/put", $"{{\"key\":\"{B64(key)}\",\"value\":\"{B64(value)}\"}}");

    /// <summary>etcdctl del.</summary>
    public Task DeleteAsync(string key) => PostAsync("/v3/kv/deleterange", $"{{\"key\":\"{B64(key)}\"}}");

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned by the OS.
        }
    }

    private async Task PostAsync(string path, string json)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(Endpoint + path), content);
        response.EnsureSuccessStatusCode();
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_output.Length < 100_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
