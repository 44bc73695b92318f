using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Baseline;

namespace PerfAnalyzers.Cli
{
    /// <summary>
    /// <c>perfanalyzers baseline|report &lt;solution|project&gt;</c>. Exit codes: 0 done, 1 the build failed, 2 bad arguments,
    /// 3 <c>report --fail-on-new</c> found findings that are not in the baseline.
    /// </summary>
    public static class Program
    {
        private const string Usage = """
            Usage:
              perfanalyzers baseline <solution|project> [options]
                  Builds with the PerfAnalyzers analyzers and writes every finding to perfanalyzers.baseline.json; commit
                  it, and builds with the PerfAnalyzers package suppress those findings (EFPS007), so only new ones show.
              perfanalyzers report <solution|project> [options]
                  Builds, prints findings per project and rule (in the baseline or new), and writes
                  perfanalyzers-report.md and perfanalyzers-report.sarif.

            Options:
              --baseline <file>       the baseline file (default: the nearest perfanalyzers.baseline.json in the target's
                                      folder or above; else a new one at the git repository root, else beside the target)
              --out <folder>          report: where the Markdown and SARIF go (default: the current folder)
              --fail-on-new           report: exit code 3 when a finding is not in the baseline
              --from-sarif <folder>   use the SARIF logs (and .defines files) of an earlier run instead of building
              --keep-sarif <folder>   keep the build's SARIF logs in this folder
              -c, --configuration <c> the build configuration (default: Debug)
              -p:Name=Value           passed to dotnet build
            """;

        public static async Task<int> Main(string[] args)
        {
            if (args.Length < 2 || (args[0] != "baseline" && args[0] != "report"))
            {
                Console.Error.WriteLine(Usage);
                return args.Length == 1 && (args[0] is "-h" or "--help") ? 0 : 2;
            }

            var command = args[0];
            var target = Path.GetFullPath(args[1]);
            string? baselinePath = null, outDir = null, fromSarif = null, keepSarif = null, configuration = null;
            var failOnNew = false;
            var properties = new List<string>();
            for (var i = 2; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                try
                {
                    switch (args[i])
                    {
                        case "--baseline": baselinePath = Path.GetFullPath(Next()); break;
                        case "--out": outDir = Path.GetFullPath(Next()); break;
                        case "--from-sarif": fromSarif = Path.GetFullPath(Next()); break;
                        case "--keep-sarif": keepSarif = Path.GetFullPath(Next()); break;
                        case "-c":
                        case "--configuration": configuration = Next(); break;
                        case "--fail-on-new": failOnNew = true; break;
                        default:
                            if (args[i].StartsWith("-p:", StringComparison.Ordinal) || args[i].StartsWith("/p:", StringComparison.Ordinal))
                            {
                                properties.Add(args[i]);
                                break;
                            }

                            throw new ArgumentException($"Unknown option {args[i]}.");
                    }
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine(e.Message);
                    Console.Error.WriteLine(Usage);
                    return 2;
                }
            }

            if (!File.Exists(target) && !Directory.Exists(target))
            {
                Console.Error.WriteLine($"{args[1]} does not exist.");
                return 2;
            }

            baselinePath ??= FindBaseline(target);
            var baselineDir = Path.GetDirectoryName(baselinePath)!;

            // 1. The findings, one list per compilation (project and target framework).
            string sarifDir;
            string? temp = null;
            if (fromSarif is not null)
            {
                sarifDir = fromSarif;
            }
            else
            {
                sarifDir = keepSarif ?? (temp = Path.Combine(Path.GetTempPath(), "perfanalyzers-" + Guid.NewGuid().ToString("N")));
                var build = await BuildRunner.RunAsync(target, sarifDir, configuration, properties);
                if (build != 0)
                {
                    return 1;
                }
            }

            try
            {
                var compilations = SarifFindings.Read(sarifDir, baselineDir, Console.Error);
                if (compilations.Count == 0)
                {
                    Console.Error.WriteLine($"No SARIF logs in {sarifDir}: nothing was compiled.");
                    return 1;
                }

                return command == "baseline"
                    ? WriteBaseline(baselinePath, compilations)
                    : Report.Run(baselinePath, compilations, outDir ?? Directory.GetCurrentDirectory(), failOnNew, Console.Out);
            }
            finally
            {
                if (temp is not null)
                {
                    try
                    {
                        Directory.Delete(temp, recursive: true);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        }

        private static int WriteBaseline(string baselinePath, IReadOnlyList<CompiledProject> compilations)
        {
            var entries = BaselineFile.FromFindings(compilations.Select(c => c.Findings.Select(f => (f.Key, f.Code))));
            var old = File.Exists(baselinePath) ? BaselineFile.Parse(File.ReadAllText(baselinePath)) : null;
            File.WriteAllText(baselinePath, BaselineFile.Write(entries));
            var findings = entries.Sum(e => e.Count);
            Console.WriteLine($"Wrote {baselinePath}: {entries.Count} entries ({findings} findings) from {compilations.Count} compilations.");
            if (old is not null)
            {
                var before = old.Select(e => e.Key).ToHashSet();
                var after = entries.Select(e => e.Key).ToHashSet();
                Console.WriteLine($"Compared with the previous file: {after.Count(k => !before.Contains(k))} entries added, {before.Count(k => !after.Contains(k))} removed.");
            }

            foreach (var rule in entries.GroupBy(e => e.Key.Rule).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {rule.Key}: {rule.Sum(e => e.Count)}");
            }

            return 0;
        }

        /// <summary>The nearest existing baseline above the target; else one at the git root; else beside the target.</summary>
        internal static string FindBaseline(string target)
        {
            var start = Directory.Exists(target) ? target : Path.GetDirectoryName(target)!;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, BaselineFile.FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                {
                    return Path.Combine(dir.FullName, BaselineFile.FileName);
                }
            }

            return Path.Combine(start, BaselineFile.FileName);
        }
    }
}
