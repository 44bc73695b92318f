using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Baseline;

namespace PerfAnalyzers.Cli
{
    /// <summary>One EFP finding of a build, with its baseline key.</summary>
    internal sealed record Finding(string Rule, string Level, string Message, string Path, int Line, int Column, int Position, BaselineKey Key, string Code);

    /// <summary>The findings of one compilation: a project for one target framework.</summary>
    internal sealed record CompiledProject(string Project, string TargetFramework, IReadOnlyList<Finding> Findings);

    /// <summary>
    /// Reads the SARIF 2.1 logs the build wrote (one per project and target framework) and computes each EFP finding's
    /// baseline key from the source file, parsed with the compilation's preprocessor symbols.
    /// </summary>
    internal static class SarifFindings
    {
        public static IReadOnlyList<CompiledProject> Read(string sarifDir, string baselineDir, TextWriter log)
        {
            var result = new List<CompiledProject>();
            if (!Directory.Exists(sarifDir))
            {
                return result;
            }

            foreach (var sarif in Directory.GetFiles(sarifDir, "*.sarif").OrderBy(f => f, StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(sarif);
                string project = name, tfm = "", defines = "";
                var info = Path.ChangeExtension(sarif, ".project");
                if (File.Exists(info))
                {
                    foreach (var line in File.ReadAllLines(info))
                    {
                        var eq = line.IndexOf('=');
                        var value = eq < 0 ? "" : line.Substring(eq + 1).Trim();
                        if (line.StartsWith("name=", StringComparison.Ordinal)) project = value;
                        else if (line.StartsWith("tfm=", StringComparison.Ordinal)) tfm = value;
                        else if (line.StartsWith("defines=", StringComparison.Ordinal)) defines = value;
                    }
                }

                var parse = new CSharpParseOptions(
                    LanguageVersion.Preview,
                    preprocessorSymbols: defines.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0));
                var trees = new Dictionary<string, (SourceText Text, SyntaxNode Root)>(StringComparer.Ordinal);
                var findings = new List<Finding>();
                using (var document = JsonDocument.Parse(File.ReadAllBytes(sarif)))
                {
                    foreach (var run in Array(document.RootElement, "runs"))
                    {
                        foreach (var r in Array(run, "results"))
                        {
                            var rule = String(r, "ruleId");
                            if (rule is null || !rule.StartsWith("EFP", StringComparison.Ordinal) || rule.StartsWith("EFPS", StringComparison.Ordinal)
                                || Array(r, "suppressions").Any(s => !IsBaselineSuppression(s)))
                            {
                                continue; // not ours, or suppressed in source (#pragma, [SuppressMessage]): it does not fail a build
                            }

                            var physical = Array(r, "locations").Select(l => Property(l, "physicalLocation")).FirstOrDefault(p => p is not null);
                            var uri = physical is { } pl ? String(Property(pl, "artifactLocation"), "uri") : null;
                            var region = physical is { } p2 ? Property(p2, "region") : null;
                            if (uri is null || region is null || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
                            {
                                continue;
                            }

                            var path = parsed.LocalPath;
                            if (!File.Exists(path))
                            {
                                log.WriteLine($"perfanalyzers: skipped a {rule} finding in {path} (not on disk: generated code?).");
                                continue;
                            }

                            if (!trees.TryGetValue(path, out var tree))
                            {
                                using var stream = File.OpenRead(path);
                                var text = SourceText.From(stream);
                                tree = (text, CSharpSyntaxTree.ParseText(text, parse, path).GetRoot());
                                trees[path] = tree;
                            }

                            var line = Int(region, "startLine") ?? 1;
                            var column = Int(region, "startColumn") ?? 1;
                            var lines = tree.Text.Lines;
                            var lineStart = lines[Math.Max(0, Math.Min(line - 1, lines.Count - 1))].Start;
                            var position = Math.Min(lineStart + Math.Max(0, column - 1), tree.Text.Length);
                            var key = BaselineKey.Create(rule, path, baselineDir, tree.Root, position, out var code);
                            findings.Add(new Finding(
                                rule,
                                String(r, "level") ?? "warning",
                                String(Property(r, "message"), "text") ?? "",
                                path,
                                line,
                                column,
                                position,
                                key,
                                code));
                        }
                    }
                }

                result.Add(new CompiledProject(project, tfm, findings));
            }

            return result;
        }

        /// <summary>
        /// A suppression by the baseline itself (EFPS007; in a log of a build that had the baseline, e.g. CI's own): the
        /// finding still counts, and the report decides again whether the baseline covers it.
        /// </summary>
        private static bool IsBaselineSuppression(JsonElement suppression)
            => String(Property(suppression, "properties"), "suppressionType") is { } type
               && type.Contains("DiagnosticSuppressor", StringComparison.Ordinal)
               && type.Contains("Suppression Id: " + RuleIds.Baseline + ",", StringComparison.Ordinal);

        private static JsonElement? Property(JsonElement? element, string name)
            => element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;

        private static IEnumerable<JsonElement> Array(JsonElement element, string name)
            => Property(element, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : Enumerable.Empty<JsonElement>();

        private static string? String(JsonElement? element, string name)
            => Property(element, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

        private static int? Int(JsonElement? element, string name)
            => Property(element, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : null;
    }
}
