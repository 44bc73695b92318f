using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using PerfAnalyzers.Baseline;

namespace PerfAnalyzers.Cli
{
    /// <summary>
    /// <c>perfanalyzers report</c>: every finding, marked "in the baseline" or "new" exactly as the baseline suppressor
    /// (EFPS007) decides in a build (per compilation, in source order, at most count findings per key); a summary per
    /// project and rule on the console and in perfanalyzers-report.md, every finding in perfanalyzers-report.sarif (SARIF
    /// 2.1, with baselineState "unchanged" or "new").
    /// </summary>
    internal static class Report
    {
        public const string MarkdownName = "perfanalyzers-report.md";
        public const string SarifName = "perfanalyzers-report.sarif";

        public static int Run(string baselinePath, IReadOnlyList<CompiledProject> compilations, string outDir, bool failOnNew, TextWriter console)
        {
            var counts = new Dictionary<BaselineKey, int>();
            var baselineNote = $"no baseline ({baselinePath} does not exist): every finding is new";
            if (File.Exists(baselinePath))
            {
                var entries = BaselineFile.Parse(File.ReadAllText(baselinePath));
                if (entries is null)
                {
                    baselineNote = $"{baselinePath} is not a valid baseline: every finding is new (the build suppresses nothing either)";
                }
                else
                {
                    counts = BaselineFile.Counts(entries);
                    baselineNote = $"baseline: {baselinePath} ({entries.Count} entries)";
                }
            }

            // Per compilation, as the suppressor sees it; then per project, one row per finding whatever the target frameworks.
            var rows = new Dictionary<(string Project, string Path, int Position, string Rule), (Finding Finding, bool IsNew)>();
            foreach (var compilation in compilations)
            {
                var remaining = new Dictionary<BaselineKey, int>(counts);
                foreach (var f in compilation.Findings
                    .OrderBy(f => f.Path, StringComparer.Ordinal)
                    .ThenBy(f => f.Position)
                    .ThenBy(f => f.Rule, StringComparer.Ordinal))
                {
                    var isNew = true;
                    if (remaining.TryGetValue(f.Key, out var n) && n > 0)
                    {
                        remaining[f.Key] = n - 1;
                        isNew = false;
                    }

                    var id = (compilation.Project, f.Path, f.Position, f.Rule);
                    rows[id] = rows.TryGetValue(id, out var known) ? (known.Finding, known.IsNew || isNew) : (f, isNew);
                }
            }

            var findings = rows.Select(r => (r.Key.Project, r.Value.Finding, r.Value.IsNew))
                .OrderBy(r => r.Project, StringComparer.Ordinal)
                .ThenBy(r => r.Finding.Path, StringComparer.Ordinal)
                .ThenBy(r => r.Finding.Position)
                .ToList();
            var summary = findings
                .GroupBy(r => (r.Project, r.Finding.Rule))
                .OrderBy(g => g.Key.Project, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Rule, StringComparer.Ordinal)
                .Select(g => (g.Key.Project, g.Key.Rule, Total: g.Count(), New: g.Count(r => r.IsNew)))
                .ToList();
            var newCount = findings.Count(r => r.IsNew);
            var projects = compilations.Select(c => c.Project).Distinct().Count();

            // Console.
            var width = Math.Max("Project".Length, summary.Select(s => s.Project.Length).DefaultIfEmpty(0).Max());
            console.WriteLine(baselineNote);
            console.WriteLine($"{"Project".PadRight(width)}  Rule     Findings  In baseline    New");
            foreach (var s in summary)
            {
                console.WriteLine($"{s.Project.PadRight(width)}  {s.Rule,-7}  {s.Total,8}  {s.Total - s.New,11}  {s.New,5}");
            }

            console.WriteLine($"{findings.Count} findings in {projects} projects: {findings.Count - newCount} in the baseline, {newCount} new.");
            foreach (var r in findings.Where(r => r.IsNew))
            {
                console.WriteLine($"  new: {r.Finding.Path}({r.Finding.Line},{r.Finding.Column}): {r.Finding.Rule} {r.Finding.Message}");
            }

            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, MarkdownName), Markdown(baselineNote, summary, findings, projects, Path.GetDirectoryName(baselinePath)!));
            File.WriteAllText(Path.Combine(outDir, SarifName), Sarif(findings));
            console.WriteLine($"Wrote {Path.Combine(outDir, MarkdownName)} and {Path.Combine(outDir, SarifName)}.");
            return failOnNew && newCount > 0 ? 3 : 0;
        }

        private static string Markdown(
            string baselineNote,
            List<(string Project, string Rule, int Total, int New)> summary,
            List<(string Project, Finding Finding, bool IsNew)> findings,
            int projects,
            string root)
        {
            var md = new StringBuilder();
            md.Append("# PerfAnalyzers report\n\n");
            var newCount = findings.Count(r => r.IsNew);
            md.Append(CultureInfo.InvariantCulture, $"{findings.Count} findings in {projects} projects: {findings.Count - newCount} in the baseline, {newCount} new. {Escape(baselineNote.Replace(root, ".", StringComparison.Ordinal))}.\n\n");
            md.Append("| Project | Rule | Findings | In baseline | New |\n|---|---|---:|---:|---:|\n");
            foreach (var s in summary)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(s.Project)} | [{s.Rule}]({RuleIds.HelpUri(s.Rule)}) | {s.Total} | {s.Total - s.New} | {s.New} |\n");
            }

            if (newCount > 0)
            {
                md.Append("\n## New findings\n\n| Rule | Location | Message |\n|---|---|---|\n");
                foreach (var r in findings.Where(r => r.IsNew))
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {r.Finding.Rule} | {Escape(r.Finding.Key.File)}:{r.Finding.Line} | {Escape(r.Finding.Message)} |\n");
                }
            }

            return md.ToString();
        }

        private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

        private static string Sarif(List<(string Project, Finding Finding, bool IsNew)> findings)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
                json.WriteString("version", "2.1.0");
                json.WriteStartArray("runs");
                json.WriteStartObject();
                json.WriteStartObject("tool");
                json.WriteStartObject("driver");
                json.WriteString("name", "PerfAnalyzers");
                json.WriteString("informationUri", "https://github.com/perfanalyzers/PerfAnalyzers");
                json.WriteStartArray("rules");
                foreach (var rule in findings.Select(r => r.Finding.Rule).Distinct().OrderBy(r => r, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("id", rule);
                    json.WriteString("helpUri", RuleIds.HelpUri(rule));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("results");
                foreach (var (project, f, isNew) in findings)
                {
                    json.WriteStartObject();
                    json.WriteString("ruleId", f.Rule);
                    json.WriteString("level", f.Level);
                    json.WriteStartObject("message");
                    json.WriteString("text", f.Message);
                    json.WriteEndObject();
                    json.WriteString("baselineState", isNew ? "new" : "unchanged");
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", new Uri(f.Path).AbsoluteUri);
                    json.WriteEndObject();
                    json.WriteStartObject("region");
                    json.WriteNumber("startLine", f.Line);
                    json.WriteNumber("startColumn", f.Column);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteStartObject("partialFingerprints");
                    json.WriteString("perfAnalyzersBaseline/v1", $"{f.Key.Rule}|{f.Key.File}|{f.Key.Member}|{f.Key.Fingerprint}");
                    json.WriteEndObject();
                    json.WriteStartObject("properties");
                    json.WriteString("project", project);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }
    }
}
