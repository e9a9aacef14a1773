// An MSBuild task, compiled by RoslynCodeTaskFactory when the template pack is built (see
// RedBook.Templates.csproj). It writes a copy of a classic .sln or a .slnf without the projects that
// live under the excluded folders (the template pack itself, its test, eng/), so the solution a user
// generates from the template references only projects that the template ships.
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
    private static readonly Regex s_projectLine = new Regex(
        "^Project\\(\"\\{[^}]+\\}\"\\)\\s*=\\s*\"[^\"]*\",\\s*\"(?<path>[^\"]*)\",\\s*\"(?<guid>\\{[^}]+\\})\"",
        RegexOptions.CultureInvariant);

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

    public override bool Execute()
    {
        var text = File.ReadAllText(Source);
        var newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Split(new[] { newline }, StringSplitOptions.None);
        var kept = Source.EndsWith(".slnf", StringComparison.OrdinalIgnoreCase)
            ? FilterFilter(lines)
            : FilterSolutionLines(lines);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination))!);
        var bom = File.ReadAllBytes(Source).Take(3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        File.WriteAllText(Destination, string.Join(newline, kept), new UTF8Encoding(bom));
        return !Log.HasLoggedErrors;
    }

    private bool IsExcluded(string path)
    {
        var normalized = path.Replace("\\\\", "/").Replace('\\', '/');
        return ExcludedPrefixes.Any(p => normalized.StartsWith(p, StringComparison.OrdinalIgnoreCase));
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
