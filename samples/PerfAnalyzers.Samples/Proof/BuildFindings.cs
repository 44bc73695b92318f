using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// The PerfAnalyzers findings of this app's own build (the SARIF log the compiler writes, copied next to the app by
    /// the project file), summarized per scenario file instead of one long compiler-warning line each.
    /// </summary>
    public static class BuildFindings
    {
        public const string FileName = "build-findings.sarif";

        /// <summary>Rule ID and file name of every unsuppressed PerfAnalyzers finding in a SARIF 2.1 log.</summary>
        public static IReadOnlyList<(string RuleId, string File)> Read(string sarifPath)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(sarifPath));
            var findings = new List<(string, string)>();
            foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
            {
                if (!run.TryGetProperty("results", out var results))
                {
                    continue;
                }

                foreach (var result in results.EnumerateArray())
                {
                    var ruleId = result.TryGetProperty("ruleId", out var id) ? id.GetString() ?? "" : "";
                    if (!ruleId.StartsWith("EFP", StringComparison.Ordinal) || (result.TryGetProperty("suppressions", out var s) && s.GetArrayLength() > 0))
                    {
                        continue;
                    }

                    var file = "(no location)";
                    if (result.TryGetProperty("locations", out var locations) && locations.GetArrayLength() > 0
                        && locations[0].TryGetProperty("physicalLocation", out var physical)
                        && physical.TryGetProperty("artifactLocation", out var artifact)
                        && artifact.TryGetProperty("uri", out var uri))
                    {
                        var text = uri.GetString() ?? "";
                        file = Path.GetFileName(Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed.LocalPath : text);
                    }

                    findings.Add((ruleId, file));
                }
            }

            return findings;
        }

        /// <summary>One line per file: "EFP101_QueryInLoop.cs  EFP101 x2, EFP302 x3" (the file's own rule first).</summary>
        public static string Format(IReadOnlyList<(string RuleId, string File)> findings)
        {
            var text = new StringBuilder();
            text.AppendLine($"This app's build reports {findings.Count} PerfAnalyzers finding(s) (the scenarios' bad code is bad on purpose):");
            var files = findings.GroupBy(f => f.File).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var width = files.Count == 0 ? 0 : Math.Min(48, files.Max(g => g.Key.Length));
            foreach (var file in files)
            {
                var rules = file.GroupBy(f => f.RuleId)
                    .OrderBy(g => file.Key.StartsWith(g.Key, StringComparison.Ordinal) ? 0 : 1)
                    .ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}");
                foreach (var line in ProofReport.Wrap($"  {file.Key.PadRight(width)}  {string.Join(", ", rules)}", new string(' ', width + 4)))
                {
                    text.AppendLine(line);
                }
            }

            foreach (var line in ProofReport.Wrap(
                "A file's other rules flag code that its fix leaves alone (the tests check that no fixed variant gains a finding).",
                ""))
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}
