// An MSBuild task, compiled by RoslynCodeTaskFactory when the template pack is built (see
// RedBook.Templates.csproj). It writes a copy of a classic .sln or a .slnf for the package:
// - without the projects that live under the excluded folders (the template pack itself, its test), so the
//   solution a user generates from the template references only projects that the template ships;
// - with the projects under the conditional folders (e.g. Services/Mall/ on IncludeMall) wrapped in the template
//   engine's single-hash conditionals (`#if (IncludeMall)` ... `#endif`), together with their configuration and
//   nesting lines, and with each solution folder whose projects all share one condition. The repository's own
//   solution stays a plain solution that Visual Studio and `dotnet sln` read and write.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class FilterSolution : Task
{
    private const string SolutionFolderType = "{2150E333-8FDC-42A3-9474-1A3956D46DE8}";

    private static readonly Regex s_projectLine = new Regex(
        "^Project\\(\"(?<type>\\{[^}]+\\})\"\\)\\s*=\\s*\"[^\"]*\",\\s*\"(?<path>[^\"]*)\",\\s*\"(?<guid>\\{[^}]+\\})\"",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_nestedLine = new Regex(
        "^\\s*(?<child>\\{[^}]+\\})\\s*=\\s*(?<parent>\\{[^}]+\\})\\s*$",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_guid = new Regex("\\{[0-9A-Fa-f-]{36}\\}", RegexOptions.CultureInvariant);

    private static readonly Regex s_slnfProject = new Regex(
        "^\\s*\"(?<path>[^\"]+)\",?\\s*$",
        RegexOptions.CultureInvariant);

    /// <summary>The .sln or .slnf to read.</summary>
    [Required]
    public string Source { get; set; } = "";

    /// <summary>Where to write the filtered copy.</summary>
    [Required]
    public string Destination { get; set; } = "";

    /// <summary>Folder prefixes, relative to the solution, with '/' separators (e.g. "templates/").</summary>
    [Required]
    public string[] ExcludedPrefixes { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Folder prefixes whose projects the template includes only when a condition holds: the item is the prefix
    /// (e.g. "Services/Mall/"), its <c>TemplateCondition</c> metadata the template engine's expression (e.g. "IncludeMall").
    /// The first matching prefix wins. Not applied to .slnf files.
    /// </summary>
    public ITaskItem[] ConditionalPrefixes { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var text = File.ReadAllText(Source);
        var newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Split(new[] { newline }, StringSplitOptions.None);
        var kept = Source.EndsWith(".slnf", StringComparison.OrdinalIgnoreCase)
            ? FilterFilter(lines)
            : AddConditions(FilterSolutionLines(lines));

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination))!);
        var bom = File.ReadAllBytes(Source).Take(3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        File.WriteAllText(Destination, string.Join(newline, kept), new UTF8Encoding(bom));
        return !Log.HasLoggedErrors;
    }

    private static string Normalize(string path) => path.Replace("\\\\", "/").Replace('\\', '/');

    private bool IsExcluded(string path)
    {
        var normalized = Normalize(path);
        return ExcludedPrefixes.Any(p => normalized.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    private string? ConditionOf(string path)
    {
        var normalized = Normalize(path);
        var match = ConditionalPrefixes.FirstOrDefault(p => normalized.StartsWith(p.ItemSpec, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return null;
        }

        var condition = match.GetMetadata("TemplateCondition");
        if (string.IsNullOrWhiteSpace(condition))
        {
            Log.LogError("FilterSolution: the conditional prefix {0} has no TemplateCondition metadata.", match.ItemSpec);
            return null;
        }

        return condition.Trim();
    }

    private List<string> FilterSolutionLines(string[] lines)
    {
        var removedGuids = new List<string>();
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = s_projectLine.Match(lines[i]);
            if (match.Success && IsExcluded(match.Groups["path"].Value))
            {
                removedGuids.Add(match.Groups["guid"].Value);
                Log.LogMessage(MessageImportance.Low, "FilterSolution: dropping {0}", match.Groups["path"].Value);
                while (i < lines.Length && lines[i].Trim() != "EndProject")
                {
                    i++;
                }

                continue;
            }

            kept.Add(lines[i]);
        }

        // Configuration and nesting lines of the dropped projects name their GUIDs.
        return kept
            .Where(line => !removedGuids.Any(g => line.IndexOf(g, StringComparison.OrdinalIgnoreCase) >= 0))
            .ToList();
    }

    private List<string> AddConditions(List<string> lines)
    {
        if (ConditionalPrefixes.Length == 0)
        {
            return lines;
        }

        // Each project's condition, from its path; then each solution folder whose children all share one.
        var conditions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var match = s_projectLine.Match(line);
            if (!match.Success)
            {
                continue;
            }

            if (string.Equals(match.Groups["type"].Value, SolutionFolderType, StringComparison.OrdinalIgnoreCase))
            {
                folders.Add(match.Groups["guid"].Value);
            }
            else if (ConditionOf(match.Groups["path"].Value) is { } condition)
            {
                conditions[match.Groups["guid"].Value] = condition;
            }
        }

        var children = lines
            .Select(l => s_nestedLine.Match(l))
            .Where(m => m.Success)
            .Select(m => (Child: m.Groups["child"].Value, Parent: m.Groups["parent"].Value))
            .ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var folder in folders.Where(f => !conditions.ContainsKey(f)).ToList())
            {
                var own = children.Where(c => string.Equals(c.Parent, folder, StringComparison.OrdinalIgnoreCase)).Select(c => c.Child).ToList();
                var shared = own.Select(c => conditions.TryGetValue(c, out var condition) ? condition : null).Distinct().ToList();
                if (own.Count > 0 && shared.Count == 1 && shared[0] is { } folderCondition)
                {
                    conditions[folder] = folderCondition;
                    changed = true;
                }
            }
        }

        var result = new List<string>(lines.Count + 16);
        string? open = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var block = new List<string> { lines[i] };
            string? condition;
            var project = s_projectLine.Match(lines[i]);
            if (project.Success)
            {
                while (lines[i].Trim() != "EndProject" && i + 1 < lines.Count)
                {
                    block.Add(lines[++i]);
                }

                condition = conditions.TryGetValue(project.Groups["guid"].Value, out var c) ? c : null;
            }
            else
            {
                // A configuration line names its project first; a nesting line names the child first.
                var guid = s_guid.Match(lines[i]);
                condition = guid.Success && conditions.TryGetValue(guid.Value, out var c) ? c : null;
            }

            if (condition != open)
            {
                if (open is not null)
                {
                    result.Add("#endif");
                }

                if (condition is not null)
                {
                    result.Add("#if (" + condition + ")");
                }

                open = condition;
            }

            result.AddRange(block);
        }

        if (open is not null)
        {
            result.Add("#endif");
        }

        return result;
    }

    private List<string> FilterFilter(string[] lines)
    {
        var kept = new List<string>(lines.Length);
        foreach (var line in lines)
        {
            var match = s_slnfProject.Match(line);
            if (match.Success && IsExcluded(match.Groups["path"].Value))
            {
                Log.LogMessage(MessageImportance.Low, "FilterSolution: dropping {0}", match.Groups["path"].Value);
                continue;
            }

            kept.Add(line);
        }

        // The entry before a dropped last entry keeps a trailing comma; JSON doesn't allow it.
        for (var i = 0; i < kept.Count - 1; i++)
        {
            var next = kept.Skip(i + 1).FirstOrDefault(l => l.Trim().Length > 0);
            if (next != null && next.TrimStart().StartsWith("]", StringComparison.Ordinal) && kept[i].TrimEnd().EndsWith(",", StringComparison.Ordinal))
            {
                kept[i] = kept[i].TrimEnd().TrimEnd(',');
            }
        }

        return kept;
    }
}
