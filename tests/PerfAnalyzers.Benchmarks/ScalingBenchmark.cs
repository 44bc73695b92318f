using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Benchmarks
{
    /// <summary>
    /// How each analyzer's time grows with the size of its input (issue 14: linear in method size and chain length).
    /// Three generated shapes at 1x, 2x and 4x size: many methods (<see cref="SourceGenerator.Generate"/>), one huge
    /// method (<see cref="SourceGenerator.GenerateHugeMethod"/>) and one long LINQ chain
    /// (<see cref="SourceGenerator.GenerateLongChain"/>). Each analyzer's time is the driver's own measure
    /// (<see cref="AnalyzerTelemetryInfo.ExecutionTime"/>, all analyzers in one run, the best of the repeats); the
    /// growth factor per doubling is sqrt(t4x / t1x), so a linear rule shows about 2.0 and a quadratic one about 4.0.
    /// Figures, not assertions: the machine's load moves the absolute times, the growth factors move much less.
    /// <code>
    /// dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- scaling [--quick] [--shape methods|method|chain]
    ///     [--scale 2] [--repeat 3] [--isolated] [--analyzers EFP401,EFP303]
    /// </code>
    /// In the shared run, work the rules share (query chains, model scans) is timed in the rule that asks first;
    /// <c>--isolated</c> runs each analyzer on its own instead (its time then includes the shared work it needs) and
    /// adds its allocations and its processor time (what the run allocates and the process spends on its cores beyond a
    /// no-op analyzer's run, best of the repeats): both stay put on a loaded machine, where the wall-clock telemetry does
    /// not (a thread waiting for a core is charged to the rule it runs). <c>--analyzers EFP401,EFP303</c>
    /// keeps the analyzers whose label contains one of these.
    /// </summary>
    internal static class ScalingBenchmark
    {
        /// <summary>Below this time at 4x (ms) a growth factor is noise: shown in parentheses, never flagged.</summary>
        private const double NoiseFloorMs = 25;

        private const double Target = 2.2;

        private sealed record Shape(string Key, string Title, string Unit, int BaseSize, Func<int, string> Generate);

        private sealed record Measure(int Size, int Lines, int Diagnostics, double WallMs, double BaselineWallMs, double AllocatedMb, double BaselineAllocatedMb, Dictionary<string, double> RuleMs, Dictionary<string, double> RuleAllocatedMb, Dictionary<string, double> RuleCpuMs);

        public static int Run(string[] args)
        {
            var quick = args.Contains("--quick");
            var isolated = args.Contains("--isolated");
            var repeat = (int)Option(args, "--repeat", quick ? 1 : 2);
            var scale = Option(args, "--scale", 1);
            var only = OptionText(args, "--shape");
            var shapes = new[]
            {
                new Shape("methods", "many methods (the 2-method pair of the BenchmarkDotNet file, N times)", "method pairs", quick ? 15 : 30, SourceGenerator.Generate),
                new Shape("method", "one huge async method (N groups of ~13 EF calls: Include, sync calls, loop, saves)", "groups", quick ? 40 : 80, SourceGenerator.GenerateHugeMethod),
                new Shape("chain", "one LINQ chain of N operators (twice: sync ToList and async ToListAsync)", "operators", quick ? 250 : 500, SourceGenerator.GenerateLongChain),
            }.Where(s => only is null || s.Key == only).ToList();
            if (shapes.Count == 0)
            {
                Console.Error.WriteLine("--shape takes methods, method or chain.");
                return 2;
            }

            var analyzers = AnalyzerBenchmarks.AnalyzerTypes().Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
            var labels = analyzers.ToDictionary(a => a, Label);
            if (OptionText(args, "--analyzers") is { } picked)
            {
                // "--analyzers EFP401,EFP303": only the analyzers whose label contains one of these.
                var wanted = picked.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                analyzers = analyzers.Where(a => wanted.Any(w => labels[a].Contains(w, StringComparison.OrdinalIgnoreCase))).ToImmutableArray();
            }

            var noOp = ImmutableArray.Create<DiagnosticAnalyzer>(new AnalyzerBenchmarks.NoOpOperationAnalyzer());
            var references = AnalyzerBenchmarks.References(withEf: true).ToList();

            Console.WriteLine($"PerfAnalyzers scaling benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, "
                + $"best of {repeat}, growth = sqrt(t4x/t1x) per doubling (target <= {Target.ToString("0.0", CultureInfo.InvariantCulture)})");

            // Warm-up: JIT the analyzers and the driver on a small input so the first size is not charged for it.
            RunOnce(Compile(SourceGenerator.Generate(3), references), analyzers, labels);

            var summary = new List<(Shape Shape, List<Measure> Measures)>();
            foreach (var shape in shapes)
            {
                var measures = new List<Measure>();
                foreach (var factor in new[] { 1, 2, 4 })
                {
                    var size = (int)Math.Round(shape.BaseSize * scale * factor);
                    var source = shape.Generate(size);
                    var compilation = Compile(source, references);
                    var baseline = RunOnce(compilation, noOp, labels);
                    for (var r = 1; isolated && r < repeat; r++)
                    {
                        baseline = Min(baseline, RunOnce(compilation, noOp, labels)); // the reference the rules' CPU and MB are taken from
                    }

                    (double WallMs, double AllocatedMb, int Diagnostics, Dictionary<string, double> RuleMs, double CpuMs)? best = null;
                    for (var r = 0; r < repeat; r++)
                    {
                        var run = RunOnce(compilation, analyzers, labels);
                        best = best is null ? run : Min(best.Value, run);
                    }

                    var ruleAllocatedMb = new Dictionary<string, double>();
                    var ruleCpuMs = new Dictionary<string, double>();
                    if (isolated)
                    {
                        // Each analyzer on its own: its time includes the shared work it asks for, and its allocations
                        // are what the run allocates beyond the no-op analyzer's run.
                        foreach (var analyzer in analyzers)
                        {
                            (double WallMs, double AllocatedMb, int Diagnostics, Dictionary<string, double> RuleMs, double CpuMs)? alone = null;
                            for (var r = 0; r < repeat; r++)
                            {
                                var run = RunOnce(compilation, ImmutableArray.Create(analyzer), labels);
                                alone = alone is null ? run : Min(alone.Value, run);
                            }

                            best!.Value.RuleMs[labels[analyzer]] = alone!.Value.RuleMs.GetValueOrDefault(labels[analyzer]);
                            ruleAllocatedMb[labels[analyzer]] = Math.Max(0, alone.Value.AllocatedMb - baseline.AllocatedMb);
                            // Processor time (best of the repeats) beyond the no-op analyzer's run: unlike the driver's
                            // wall-clock telemetry it does not grow while the thread waits for a core on a loaded machine.
                            ruleCpuMs[labels[analyzer]] = Math.Max(0, alone.Value.CpuMs - baseline.CpuMs);
                        }
                    }

                    measures.Add(new Measure(size, source.Split('\n').Length, best!.Value.Diagnostics, best.Value.WallMs, baseline.WallMs, best.Value.AllocatedMb, baseline.AllocatedMb, best.Value.RuleMs, ruleAllocatedMb, ruleCpuMs));
                    Console.Error.WriteLine($"  [{shape.Key} {size} {shape.Unit}: {best.Value.WallMs:0} ms, {best.Value.Diagnostics} diagnostics]");
                }

                PrintShape(shape, measures, labels.Values.Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList());
                summary.Add((shape, measures));
            }

            PrintSummary(summary, labels.Values.Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList());
            return 0;
        }

        private static CSharpCompilation Compile(string source, IEnumerable<MetadataReference> references)
        {
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Generated.cs");
            var compilation = CSharpCompilation.Create("Scaling", new[] { tree }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The generated source does not compile: " + string.Join(Environment.NewLine, errors.Take(5)));
            }

            return compilation;
        }

        /// <summary>One analysis of a fresh clone (nothing bound yet, like a build): wall time, bytes allocated, per-rule time.</summary>
        private static (double WallMs, double AllocatedMb, int Diagnostics, Dictionary<string, double> RuleMs, double CpuMs) RunOnce(
            CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, IReadOnlyDictionary<DiagnosticAnalyzer, string> labels)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, _) => throw new InvalidOperationException($"{analyzer.GetType().Name} threw", exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var withAnalyzers = compilation.Clone().WithAnalyzers(analyzers, options);
            var result = withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
            watch.Stop();
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var perRule = new Dictionary<string, double>();
            foreach (var pair in result.AnalyzerTelemetryInfo)
            {
                if (labels.TryGetValue(pair.Key, out var label))
                {
                    perRule[label] = perRule.GetValueOrDefault(label) + pair.Value.ExecutionTime.TotalMilliseconds;
                }
            }

            var diagnostics = result.GetAllDiagnostics().Count(d => d.Id.StartsWith("EFP", StringComparison.Ordinal));
            return (watch.Elapsed.TotalMilliseconds, allocated / 1048576.0, diagnostics, perRule, cpuMs);
        }

        private static (double, double, int, Dictionary<string, double>, double) Min(
            (double WallMs, double AllocatedMb, int Diagnostics, Dictionary<string, double> RuleMs, double CpuMs) a,
            (double WallMs, double AllocatedMb, int Diagnostics, Dictionary<string, double> RuleMs, double CpuMs) b)
            => (Math.Min(a.WallMs, b.WallMs), Math.Min(a.AllocatedMb, b.AllocatedMb), a.Diagnostics,
                a.RuleMs.Keys.Union(b.RuleMs.Keys).ToDictionary(k => k, k => Math.Min(a.RuleMs.GetValueOrDefault(k, double.MaxValue), b.RuleMs.GetValueOrDefault(k, double.MaxValue))),
                Math.Min(a.CpuMs, b.CpuMs));

        private static void PrintShape(Shape shape, List<Measure> m, List<string> rules)
        {
            Console.WriteLine();
            Console.WriteLine($"== {shape.Key}: {shape.Title}");
            Console.WriteLine($"   N = {m[0].Size} / {m[1].Size} / {m[2].Size} {shape.Unit}; {m[0].Lines:N0} / {m[1].Lines:N0} / {m[2].Lines:N0} lines; "
                + $"{m[0].Diagnostics:N0} / {m[1].Diagnostics:N0} / {m[2].Diagnostics:N0} findings");
            var isolated = m[0].RuleAllocatedMb.Count > 0;
            Console.WriteLine($"{"rule (analyzer)" + (isolated ? ", each alone" : ""),-46} {"1x ms",9} {"2x ms",9} {"4x ms",9} {"2x/1x",7} {"4x/2x",7} {"growth",8}"
                + (isolated ? $" {"4x MB",7} {"growth",7} {"1x CPU",7} {"2x CPU",7} {"4x CPU",7} {"growth",7}" : ""));
            foreach (var rule in rules.Where(r => m[0].RuleMs.ContainsKey(r)))
            {
                var t = m.Select(x => x.RuleMs.GetValueOrDefault(rule)).ToArray();
                var a = m.Select(x => x.RuleAllocatedMb.GetValueOrDefault(rule)).ToArray();
                var c = m.Select(x => x.RuleCpuMs.GetValueOrDefault(rule)).ToArray();
                Console.WriteLine($"{Truncate(rule, 46),-46} {t[0],9:0.0} {t[1],9:0.0} {t[2],9:0.0} {Ratio(t[1], t[0]),7} {Ratio(t[2], t[1]),7} {Growth(t[0], t[2]),8}"
                    + (isolated ? $" {a[2],7:0.0} {Growth(a[0], a[2], floor: 1),7} {c[0],7:0} {c[1],7:0} {c[2],7:0} {Growth(c[0], c[2]),7}" : ""));
            }

            var sum = m.Select(x => x.RuleMs.Values.Sum()).ToArray();
            Console.WriteLine($"{"all rules (sum of the above)",-46} {sum[0],9:0.0} {sum[1],9:0.0} {sum[2],9:0.0} {Ratio(sum[1], sum[0]),7} {Ratio(sum[2], sum[1]),7} {Growth(sum[0], sum[2]),8}");
            var wall = m.Select(x => x.WallMs).ToArray();
            Console.WriteLine($"{"wall: compile + all analyzers",-46} {wall[0],9:0} {wall[1],9:0} {wall[2],9:0} {Ratio(wall[1], wall[0]),7} {Ratio(wall[2], wall[1]),7} {Growth(wall[0], wall[2]),8}");
            var baseWall = m.Select(x => x.BaselineWallMs).ToArray();
            Console.WriteLine($"{"wall: compile + no-op analyzer",-46} {baseWall[0],9:0} {baseWall[1],9:0} {baseWall[2],9:0} {Ratio(baseWall[1], baseWall[0]),7} {Ratio(baseWall[2], baseWall[1]),7} {Growth(baseWall[0], baseWall[2]),8}");
            var alloc = m.Select(x => Math.Max(0, x.AllocatedMb - x.BaselineAllocatedMb)).ToArray();
            Console.WriteLine($"{"MB allocated by the analyzers (vs no-op)",-46} {alloc[0],9:0.0} {alloc[1],9:0.0} {alloc[2],9:0.0} {Ratio(alloc[1], alloc[0]),7} {Ratio(alloc[2], alloc[1]),7} {Growth(alloc[0], alloc[2], floor: 1),8}");
        }

        /// <summary>Rules x shapes: time at 4x and growth per doubling, as a Markdown table (the README's).</summary>
        private static void PrintSummary(List<(Shape Shape, List<Measure> Measures)> summary, List<string> rules)
        {
            Console.WriteLine();
            Console.WriteLine("== summary: time at 4x (ms) and growth per doubling; (x) = under the noise floor, ! = above the target");
            Console.WriteLine("| rule | " + string.Join(" | ", summary.Select(s => $"{s.Shape.Key} 4x ms | growth")) + " |");
            Console.WriteLine("|---|" + string.Concat(summary.Select(_ => "--:|--:|")));
            foreach (var rule in rules.Where(r => summary[0].Measures[0].RuleMs.ContainsKey(r)).Append("all rules"))
            {
                var cells = summary.Select(s =>
                {
                    var t = s.Measures.Select(x => rule == "all rules" ? x.RuleMs.Values.Sum() : x.RuleMs.GetValueOrDefault(rule)).ToArray();
                    return $"{t[2]:0} | {Growth(t[0], t[2])}";
                });
                Console.WriteLine($"| {Truncate(rule, 40)} | " + string.Join(" | ", cells) + " |");
            }

            var worst = summary.SelectMany(s => rules.Select(r => (s.Shape.Key, Rule: r, T1: s.Measures[0].RuleMs.GetValueOrDefault(r), T4: s.Measures[2].RuleMs.GetValueOrDefault(r))))
                .Where(x => x.T4 >= NoiseFloorMs && x.T1 > 0 && Math.Sqrt(x.T4 / x.T1) > Target).ToList();
            Console.WriteLine(worst.Count == 0
                ? $"Every rule above the noise floor grows by at most {Target.ToString("0.0", CultureInfo.InvariantCulture)}x per doubling."
                : "Above the target: " + string.Join(", ", worst.Select(w => $"{w.Rule} on {w.Key} ({Math.Sqrt(w.T4 / w.T1):0.00})")));
        }

        private static string Ratio(double a, double b) => b <= 0 ? "-" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);

        private static string Growth(double t1, double t4, double floor = NoiseFloorMs)
        {
            if (t1 <= 0 || t4 <= 0)
            {
                return "-";
            }

            var g = Math.Sqrt(t4 / t1).ToString("0.00", CultureInfo.InvariantCulture);
            return t4 < floor ? $"({g})" : Math.Sqrt(t4 / t1) > Target ? g + " !" : g;
        }

        private static string Truncate(string text, int width) => text.Length <= width ? text : text.Substring(0, width - 1) + "…";

        /// <summary>"EFP102/103 NavigationLoading": the rule IDs an analyzer reports, then its name without "Analyzer".</summary>
        private static string Label(DiagnosticAnalyzer analyzer)
        {
            var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToList();
            if (analyzer is DiagnosticSuppressor suppressor)
            {
                ids = suppressor.SupportedSuppressions.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToList();
            }

            var prefix = ids.Count == 0 ? "" : ids[0] + string.Concat(ids.Skip(1).Select(i => "/" + i.Substring(Math.Max(0, i.Length - 3))));
            var name = analyzer.GetType().Name;
            name = name.EndsWith("Analyzer", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Analyzer".Length) : name;
            return Truncate(prefix, 20) + " " + name;
        }

        private static double Option(string[] args, string name, double fallback)
        {
            var text = OptionText(args, name);
            return text is null ? fallback : double.Parse(text, CultureInfo.InvariantCulture);
        }

        private static string? OptionText(string[] args, string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
    }
}
