using System.Globalization;
using System.Text;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>How long and how hard a scenario runs: the load lab runs <see cref="Full"/>, the functional tests <see cref="Quick"/>.</summary>
/// <param name="Name">A label for the table.</param>
/// <param name="Duration">The measured phase of each variant.</param>
/// <param name="RateFactor">Multiplies every scenario's offered rate.</param>
public sealed record LabScale(string Name, TimeSpan Duration, double RateFactor)
{
    /// <summary>The load lab's run.</summary>
    public static LabScale Full { get; } = new("full", TimeSpan.FromSeconds(10), 1.0);

    /// <summary>A short, lighter run for the functional tests on a noisy 2-core machine.</summary>
    public static LabScale Quick { get; } = new("quick", TimeSpan.FromSeconds(4), 0.5);
}

/// <summary>One claim checked by a scenario, with the measured figure.</summary>
public sealed record Check(string Claim, string Target, string Measured, bool Passed);

/// <summary>What a scenario measured: a table of variants and the checks of its claims.</summary>
public sealed class ScenarioReport(string title, string setup, params string[] columns)
{
    private readonly List<string[]> _rows = [];
    private readonly List<Check> _checks = [];

    /// <summary>The scenario's title.</summary>
    public string Title { get; } = title;

    /// <summary>How the scenario is set up.</summary>
    public string Setup { get; } = setup;

    /// <summary>The figures' column names (the first is the variant).</summary>
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>The claims and whether they held.</summary>
    public IReadOnlyList<Check> Checks => _checks;

    /// <summary>True when every claim held.</summary>
    public bool Passed => _checks.TrueForAll(c => c.Passed);

    /// <summary>Adds a row of figures.</summary>
    public void Row(params string[] cells) => _rows.Add(cells);

    /// <summary>Adds a claim.</summary>
    public bool Check(string claim, string target, double measured, bool passed, int decimals = 2)
    {
        _checks.Add(new Check(claim, target, Stats.F(measured, decimals), passed));
        return passed;
    }

    /// <summary>The report as markdown.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"### {Title}\n\n{Setup}\n\n");
        sb.Append("| ").AppendJoin(" | ", Columns).Append(" |\n|");
        foreach (var _ in Columns)
        {
            sb.Append(" --- |");
        }

        sb.Append('\n');
        foreach (var row in _rows)
        {
            sb.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }

        sb.Append("\n| Claim | Target | Measured | Holds |\n| --- | --- | --- | --- |\n");
        foreach (var c in _checks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {c.Claim} | {c.Target} | {c.Measured} | {(c.Passed ? "yes" : "**no**")} |\n");
        }

        return sb.Append('\n').ToString();
    }
}
