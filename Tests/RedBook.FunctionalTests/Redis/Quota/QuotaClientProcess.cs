using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>
/// One RedBook.QuotaClient process (Tests/RedBook.QuotaClient): a QuotaRateLimiter on the Redis store under open-loop
/// demand, in its own process. Its JSON report lines are parsed as they come; it stops when asked (releasing its
/// lease), and is killed on dispose if still running.
/// </summary>
internal sealed class QuotaClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<Report> _reports = [];
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<Report> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private QuotaClientProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public string ClientId => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result.ClientId : string.Empty;

    public bool HasExited => _process.HasExited;

    /// <summary>The latest report, or null before the first.</summary>
    public Report? Latest
    {
        get
        {
            lock (_gate)
            {
                return _reports.Count == 0 ? null : _reports[^1];
            }
        }
    }

    /// <summary>The client's stderr and exit state, for failure messages.</summary>
    public string Diagnostics
    {
        get
        {
            lock (_gate)
            {
                return $"{Name} ({ClientId}) exited={_process.HasExited} latest={Latest} stderr={_errors}";
            }
        }
    }

    /// <summary>Starts the client with configuration overrides (<c>Key=Value</c>) and waits until it has its limiter.</summary>
    public static async Task<QuotaClientProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RedBook.QuotaClient.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the functional tests reference Tests/RedBook.QuotaClient so its build output lands beside them.");
        }

        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var process = new Process { StartInfo = info };
        var client = new QuotaClientProcess(name, process);
        process.OutputDataReceived += (_, e) => client.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => client.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await client._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            var diagnostics = client.Diagnostics;
            await client.DisposeAsync();
            throw new TimeoutException($"The quota client {name} did not start within 60 s. {diagnostics}");
        }

        return client;
    }

    /// <summary>The reports from <paramref name="fromMs"/> (the client's own elapsed time) on.</summary>
    public IReadOnlyList<Report> ReportsSince(double fromMs)
    {
        lock (_gate)
        {
            return _reports.Where(r => r.ElapsedMs >= fromMs).ToList();
        }
    }

    /// <summary>Asks the client to stop (it releases its lease) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // Already gone.
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the client without a goodbye (a crash): its lease stays until it expires.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || line[0] != '{')
        {
            return;
        }

        var report = JsonSerializer.Deserialize<Report>(line)!;
        lock (_gate)
        {
            if (report.Event == "report")
            {
                _reports.Add(report);
            }
        }

        if (report.Event == "ready")
        {
            _ready.TrySetResult(report);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _errors.AppendLine(line);
        }
    }

    /// <summary>One report line of RedBook.QuotaClient (its counters are totals since it started).</summary>
    internal sealed record Report(
        string Event,
        string ClientId,
        double ElapsedMs,
        long Attempted,
        long Acquired,
        string Mode,
        double Limit,
        double Wants,
        double Granted,
        long Requests,
        long Failures)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"[{ElapsedMs:0} ms {Mode} limit {Limit:0.##} wants {Wants:0.##} granted {Granted:0.##} attempted {Attempted} acquired {Acquired} failures {Failures}]");
    }
}
