using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RedBook.ServiceDefaults.Etcd;
using RedBook.Testing;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.FunctionalTests.Etcd;

/// <summary>
/// One real etcd member (Debian's etcd-server, /usr/bin/etcd) on two free loopback ports with a temporary data
/// directory. It can be stopped (killed, like a crash) and started again on the same ports and data, and deletes
/// everything on dispose.
/// </summary>
public sealed class EtcdProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();
    private Process? _process;

    public EtcdProcess(bool tls = false)
    {
        Tls = tls;
        Binary = FindBinary();
        ClientPort = FreePort();
        PeerPort = FreePort();
        DataDirectory = Path.Combine(Path.GetTempPath(), "redbook-etcd-" + Guid.NewGuid().ToString("N"));
        Name = "redbook-test";
    }

    public string Binary { get; }

    public int ClientPort { get; }

    public int PeerPort { get; }

    public string DataDirectory { get; }

    public string Name { get; }

    /// <summary>Whether the client port speaks TLS with a self-signed certificate for 127.0.0.1 (<see cref="Certificate"/>).</summary>
    public bool Tls { get; }

    /// <summary>The self-signed server certificate when <see cref="Tls"/>.</summary>
    public X509Certificate2? Certificate { get; private set; }

    public string Endpoint => $"{(Tls ? "https" : "http")}://127.0.0.1:{ClientPort}";

    /// <summary>A handler that trusts exactly this member's certificate (a plain one without TLS).</summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        var expected = Certificate;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => expected is not null && certificate is not null && certificate.GetCertHashString() == expected.GetCertHashString(),
            },
        };
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The combined stdout/stderr of etcd, for failure messages.</summary>
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

    /// <summary>Finds etcd at /usr/bin/etcd or on PATH, or fails with what to install.</summary>
    public static string FindBinary() =>
        ServerBinary.Find("etcd", "Install Debian's package: 'sudo apt-get install etcd-server'.");

    /// <summary>Starts etcd (again, on the same ports and data directory) and waits until it answers.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        var tlsArgs = Tls ? WriteCertificate() : [];
        var peer = $"http://127.0.0.1:{PeerPort}";
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--name", Name,
            "--data-dir", DataDirectory,
            "--listen-client-urls", Endpoint,
            "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"{Name}={peer}",
            "--initial-cluster-state", "new",
            "--logger", "zap",
            "--log-outputs", "stderr",
        }.Concat(tlsArgs))
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

    /// <summary>Kills etcd (as a crash would) and waits until it has exited and its client port is closed.</summary>
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

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Restarts etcd with an empty data directory: it comes back as a new cluster at revision 1, leases gone.</summary>
    public async Task RestartEmptyAsync()
    {
        await StopAsync();
        Directory.Delete(DataDirectory, recursive: true);
        await StartAsync();
    }

    /// <summary>A client of our own library against this member.</summary>
    internal EtcdClient CreateClient(string? username = null, string? password = null, Action<EtcdOptions>? configure = null)
    {
        var options = new EtcdOptions { Username = username, Password = password, RetryBackoffInitial = TimeSpan.FromMilliseconds(50), RetryBackoffMax = TimeSpan.FromMilliseconds(500) };
        options.Endpoints.Add(Endpoint);
        configure?.Invoke(options);
        return new EtcdClient(() => options, TimeProvider.System, handler: CreateTrustingHandler());
    }

    /// <summary>Compacts the store's history up to <paramref name="revision"/> (raw gateway call).</summary>
    public async Task CompactAsync(long revision)
    {
        using var http = new HttpClient();
        using var content = new StringContent($"{{\"revision\":\"{revision}\",\"physical\":true}}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(Endpoint + "/v3/kv/compaction"), content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Adds user root with <paramref name="password"/> and the root role, then turns auth on (raw gateway calls).</summary>
    public async Task EnableAuthAsync(string password)
    {
        using var http = new HttpClient();
        foreach (var (path, body) in new[]
        {
            ("/v3/auth/user/add", $"{{\"name\":\"root\",\"password\":\"{password}\"}}"),
            ("/v3/auth/role/add", "{\"name\":\"root\"}"),
            ("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}"),
            ("/v3/auth/enable", "{}"),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(Endpoint + path), content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || text.Contains("\"error\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path} failed: {text}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Certificate?.Dispose();
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }

            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(DataDirectory) + "-server.*"))
            {
                File.Delete(file);
            }
        }
        catch (IOException)
        {
            // A file still held open; the temp directory gets cleaned by the OS.
        }
    }

    private string[] WriteCertificate()
    {
        var certFile = Path.Combine(DataDirectory, "..", Path.GetFileName(DataDirectory) + "-server.crt");
        var keyFile = Path.Combine(DataDirectory, "..", Path.GetFileName(DataDirectory) + "-server.key");
        if (Certificate is null)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(certFile, Certificate.ExportCertificatePem());
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        return ["--cert-file", certFile, "--key-file", keyFile];
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient(CreateTrustingHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + s_readyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"etcd exited during start-up. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint + "/health"));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && body.Contains("\"true\"", StringComparison.Ordinal))
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

        throw new TimeoutException($"etcd did not become healthy within {s_readyTimeout}. Output:\n{Output}");
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
