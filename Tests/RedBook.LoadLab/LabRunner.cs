using System.Globalization;
using System.Text;
using RedBook.LoadLab.Infrastructure;
using RedBook.LoadLab.Scenarios;

namespace RedBook.LoadLab;

/// <summary>
/// Runs the HA-proof scenarios and prints one markdown table per scenario, with its claims checked.
/// <c>dotnet run -c Release --project Tests/RedBook.LoadLab [-- --quick] [--only N] [--out FILE]</c>.
/// </summary>
public static class LabRunner
{
    /// <summary>The scenarios: the HA proof's five, then CoDel's overload with queueing.</summary>
    public static IReadOnlyList<(int Number, Func<LabScale, Task<ScenarioReport>> Run)> Scenarios { get; } =
    [
        (1, OverloadScenario.RunAsync),
        (2, SlowReplicaScenario.RunAsync),
        (3, FailingBackendScenario.RunAsync),
        (4, DeadlineChainScenario.RunAsync),
        (5, OutageScenario.RunAsync),
        (6, CoDelScenario.RunAsync),
    ];

    /// <summary>The console entry point; returns 0 when every claim held.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var scale = args.Contains("--quick") ? LabScale.Quick : LabScale.Full;
        var only = ArgValue(args, "--only") is { } o ? int.Parse(o, CultureInfo.InvariantCulture) : (int?)null;
        var output = ArgValue(args, "--out");
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"## RedBook load lab — the HA proof under load\n\nScale: {scale.Name} ({scale.Duration.TotalSeconds:0} s per measured phase), {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}. Servers are real Kestrel instances on 127.0.0.1; the caller uses the RedBook client pipeline through IHttpClientFactory.\n\n");
        var passed = true;
        foreach (var (number, run) in Scenarios)
        {
            if (only is { } n && n != number)
            {
                continue;
            }

            var report = await run(scale).ConfigureAwait(false);
            passed &= report.Passed;
            var text = report.ToMarkdown();
            Console.Write(text);
            markdown.Append(text);
        }

        if (output is not null)
        {
            await File.WriteAllTextAsync(output, markdown.ToString()).ConfigureAwait(false);
        }

        return passed ? 0 : 1;
    }

    private static string? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
