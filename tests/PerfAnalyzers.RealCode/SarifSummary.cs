using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace PerfAnalyzers.RealCode
{
    /// <summary>
    /// The summarizer of the real-build mode (realbuild.sh): reads the SARIF 2.1 logs that an application's own build
    /// wrote with the analyzers injected, and prints every PerfAnalyzers finding as <c>path(line,col): EFPnnn: message</c>
    /// (paths relative to the application, duplicates from several target frameworks merged), a count per rule, the
    /// compile errors per project and every analyzer exception (AD0001). Exit code 1 if an analyzer threw.
    /// </summary>
    internal static class SarifSummary
    {
        private static readonly Regex AnalyzerTime = new(@"^\s*(?<time>[<\d.]+)\s+(?<pct>[<\d]+)\s+PerfAnalyzers, Version=", RegexOptions.Compiled);

        internal static async Task<int> RunAsync(string sarifDir, string? root, string? outPath)
        {
            if (!Directory.Exists(sarifDir))
            {
                Console.Error.WriteLine($"Folder '{sarifDir}' does not exist.");
                return 2;
            }

            root = root is null ? null : Path.GetFullPath(root);
            var output = new StringBuilder();
            void Write(string line)
            {
                Console.WriteLine(line);
                output.AppendLine(line);
            }

            var findings = new SortedDictionary<(string Path, int Line, int Column, string Rule, string Message), SortedSet<string>>();
            var errors = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            var exceptions = new List<string>();
            var logs = Directory.GetFiles(sarifDir, "*.sarif").OrderBy(f => f, StringComparer.Ordinal).ToList();
            var unreadable = new List<string>();
            foreach (var log in logs)
            {
                var project = Path.GetFileNameWithoutExtension(log);
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(await File.ReadAllTextAsync(log).ConfigureAwait(false));
                }
                catch (JsonException)
                {
                    unreadable.Add(project);
                    continue;
                }

                using (document)
                {
                    if (!document.RootElement.TryGetProperty("runs", out var runs))
                    {
                        continue;
                    }

                    foreach (var run in runs.EnumerateArray())
                    {
                        if (!run.TryGetProperty("results", out var results))
                        {
                            continue;
                        }

                        foreach (var result in results.EnumerateArray())
                        {
                            var rule = result.TryGetProperty("ruleId", out var id) ? id.GetString() ?? "" : "";
                            var level = result.TryGetProperty("level", out var l) ? l.GetString() ?? "warning" : "warning";
                            var message = result.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
                            var (path, line, column) = Location(result, root);
                            if (rule.StartsWith("EFP", StringComparison.Ordinal))
                            {
                                if (IsSuppressed(result))
                                {
                                    continue;
                                }

                                var key = (path, line, column, rule, message);
                                if (!findings.TryGetValue(key, out var projects))
                                {
                                    findings[key] = projects = new SortedSet<string>(StringComparer.Ordinal);
                                }

                                projects.Add(project);
                            }
                            else if (rule == "AD0001")
                            {
                                exceptions.Add($"{project}: {path}({line},{column}): AD0001: {message}");
                            }
                            else if (level == "error")
                            {
                                if (!errors.TryGetValue(project, out var list))
                                {
                                    errors[project] = list = new List<string>();
                                }

                                list.Add($"{path}({line},{column}): {rule}: {message}");
                            }
                        }
                    }
                }
            }

            Write($"# PerfAnalyzers.RealCode --sarif: {logs.Count} SARIF logs under {Path.GetFileName(Path.GetFullPath(sarifDir).TrimEnd(Path.DirectorySeparatorChar))}");
            foreach (var ((path, line, column, rule, message), _) in findings)
            {
                Write($"{path}({line},{column}): {rule}: {message}");
            }

            Write("");
            Write("## Findings per rule");
            var perRule = findings.Keys.GroupBy(k => k.Rule).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (perRule.Count == 0)
            {
                Write("(none)");
            }

            foreach (var group in perRule)
            {
                Write($"{group.Key}: {group.Count()}");
            }

            Write("");
            Write($"## Compile errors: {errors.Values.Sum(v => v.Count)} in {errors.Count} of {logs.Count} projects");
            foreach (var (project, list) in errors)
            {
                Write($"{project}: {list.Count} (e.g. {list[0]})");
            }

            foreach (var project in unreadable)
            {
                Write($"{project}: SARIF log not readable (build interrupted?)");
            }

            Write("");
            Write($"## Analyzer exceptions: {exceptions.Count}");
            foreach (var exception in exceptions)
            {
                Write(exception);
            }

            // ReportAnalyzer=true: the compiler prints the time spent in each analyzer assembly into the build logs.
            var parent = Path.GetDirectoryName(Path.GetFullPath(sarifDir).TrimEnd(Path.DirectorySeparatorChar));
            if (parent is not null)
            {
                var seconds = 0.0;
                var compilations = 0;
                foreach (var buildLog in Directory.GetFiles(parent, "build-*.log"))
                {
                    foreach (var text in File.ReadLines(buildLog))
                    {
                        var match = AnalyzerTime.Match(text);
                        if (match.Success)
                        {
                            compilations++;
                            var value = match.Groups["time"].Value.TrimStart('<');
                            seconds += double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
                        }
                    }
                }

                Write("");
                Write($"## PerfAnalyzers time (ReportAnalyzer): {seconds:F1} s over {compilations} compilations");
            }

            if (outPath is not null)
            {
                await File.WriteAllTextAsync(outPath, output.ToString()).ConfigureAwait(false);
            }

            return exceptions.Count == 0 ? 0 : 1;
        }

        private static bool IsSuppressed(JsonElement result)
            => result.TryGetProperty("suppressions", out var suppressions)
               && suppressions.ValueKind == JsonValueKind.Array
               && suppressions.GetArrayLength() > 0;

        private static (string Path, int Line, int Column) Location(JsonElement result, string? root)
        {
            if (!result.TryGetProperty("locations", out var locations) || locations.GetArrayLength() == 0
                || !locations[0].TryGetProperty("physicalLocation", out var physical))
            {
                return ("<no location>", 0, 0);
            }

            var path = "<no file>";
            if (physical.TryGetProperty("artifactLocation", out var artifact) && artifact.TryGetProperty("uri", out var uri))
            {
                var text = uri.GetString() ?? "";
                path = Uri.TryCreate(text, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : Uri.UnescapeDataString(text);
                if (root is not null && Path.IsPathRooted(path))
                {
                    path = Path.GetRelativePath(root, path);
                }

                path = path.Replace('\\', '/');
            }

            var line = 0;
            var column = 0;
            if (physical.TryGetProperty("region", out var region))
            {
                line = region.TryGetProperty("startLine", out var sl) ? sl.GetInt32() : 0;
                column = region.TryGetProperty("startColumn", out var sc) ? sc.GetInt32() : 0;
            }

            return (path, line, column);
        }
    }
}
