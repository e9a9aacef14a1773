using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RedBook.FunctionalTests.Leadership;

/// <summary>
/// One RedBook.JobClient process (Tests/RedBook.JobClient): a replica in a process of its own, whose JSON lines are
/// turned into terms and runs as they come. It is killed with SIGKILL to play a crash, and on dispose if still running.
/// </summary>
internal sealed class JobClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly WorkLog _log;
    private readonly Lock _gate = new();
    private readonly List<HeldTerm> _terms = [];
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private JobClientProcess(string instance, Process process, WorkLog log)
    {
        Instance = instance;
        _process = process;
        _log = log;
    }

    public string Instance { get; }

    public IReadOnlyList<HeldTerm> Terms
    {
        get
        {
            lock (_gate)
            {
                return [.. _terms];
            }
        }
    }

    public string Diagnostics
    {
        get
        {
            lock (_gate)
            {
                return $"{Instance} exited={_process.HasExited} terms={string.Join(", ", _terms)} stderr={_errors}";
            }
        }
    }

    public static async Task<JobClientProcess> StartAsync(string etcdEndpoint, string service, string instance, WorkLog log, TimeSpan leaseTtl)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RedBook.JobClient.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the functional tests reference Tests/RedBook.JobClient so its build output lands beside them.");
        }

        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["RedBook:Etcd:Endpoints:0"] = etcdEndpoint,
            ["RedBook:Etcd:RetryBackoffInitial"] = "00:00:00.100",
            ["RedBook:Etcd:RetryBackoffMax"] = "00:00:01",
            ["RedBook:Service:Name"] = service,
            ["RedBook:Service:InstanceId"] = instance,
            ["RedBook:Leadership:LeaseTtl"] = leaseTtl.ToString("c", CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var process = new Process { StartInfo = info };
        var client = new JobClientProcess(instance, process, log);
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
            throw new TimeoutException($"The job client {instance} did not start within 60 s. {diagnostics}");
        }

        return client;
    }

    /// <summary>Kills the process with SIGKILL: no resign, no revoke; its lease runs out on its own.</summary>
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
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var term = root.TryGetProperty("term", out var t) ? t.GetInt64() : 0;
        switch (root.GetProperty("event").GetString())
        {
            case "ready":
                _ready.TrySetResult();
                break;
            case "acquired":
                lock (_gate)
                {
                    _terms.Add(new HeldTerm(Instance, term, root.GetProperty("at").GetDateTimeOffset(), null));
                }

                break;
            case "lost":
                lock (_gate)
                {
                    var index = _terms.FindLastIndex(h => h.Term == term);
                    _terms[index] = _terms[index] with { LostAt = root.GetProperty("at").GetDateTimeOffset() };
                }

                break;
            case "run":
                _log.Add(new JobRun(Instance, term, root.GetProperty("start").GetDateTimeOffset(), root.GetProperty("end").GetDateTimeOffset()));
                break;
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _errors.AppendLine(line);
            }
        }
    }
}
