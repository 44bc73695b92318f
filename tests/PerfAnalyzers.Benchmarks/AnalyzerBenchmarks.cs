using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Benchmarks
{
    /// <summary>
    /// The analyzers' time and allocations on one large EF Core-heavy file. "Compile only" is binding and compiler
    /// diagnostics; "Compile + no-op analyzer" (the baseline) adds the analyzer driver with a do-nothing operation
    /// analyzer; "Compile + analyzers" runs PerfAnalyzers instead, so its difference to the baseline is what PerfAnalyzers
    /// adds to a build. "No EF Core" is a same-sized file without EF Core (the analyzers register nothing).
    /// </summary>
    [MemoryDiagnoser]
    public class AnalyzerBenchmarks
    {
        private CSharpCompilation _efCompilation = null!;
        private CSharpCompilation _noEfCompilation = null!;
        private ImmutableArray<DiagnosticAnalyzer> _all;
        private ImmutableArray<DiagnosticAnalyzer> _one;

        /// <summary>Methods in the generated file (each with loops, queries, saves and a helper query).</summary>
        [Params(200)]
        public int Methods { get; set; }

        /// <summary>One analyzer type by name, or "all".</summary>
        [ParamsSource(nameof(AnalyzerNames))]
        public string Analyzer { get; set; } = "all";

        public static IEnumerable<string> AnalyzerNames()
        {
            // "all", plus each analyzer on its own once there is more than one; PERFANALYZERS_BENCH_ANALYZERS
            // ("all,PrematureMaterializationAnalyzer") picks a subset, since every analyzer on its own takes long.
            var names = AnalyzerTypes().Select(t => t.Name).ToList();
            var chosen = Environment.GetEnvironmentVariable("PERFANALYZERS_BENCH_ANALYZERS");
            if (!string.IsNullOrWhiteSpace(chosen))
            {
                var picked = chosen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                var unknown = picked.Where(p => p != "all" && !names.Contains(p)).ToList();
                if (unknown.Count > 0)
                {
                    throw new InvalidOperationException($"PERFANALYZERS_BENCH_ANALYZERS names no analyzer: {string.Join(", ", unknown)}. Known: all, {string.Join(", ", names)}.");
                }

                return picked;
            }

            return names.Count > 1 ? new[] { "all" }.Concat(names) : new[] { "all" };
        }

        [GlobalSetup]
        public void Setup()
        {
            var source = SourceGenerator.Generate(Methods);
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Generated.cs");
            var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
            _efCompilation = CSharpCompilation.Create("Bench", new[] { tree }, References(withEf: true), options);
            var noEfTree = CSharpSyntaxTree.ParseText(SourceGenerator.GenerateWithoutEf(Methods), new CSharpParseOptions(LanguageVersion.Latest), path: "NoEf.cs");
            _noEfCompilation = CSharpCompilation.Create("BenchNoEf", new[] { noEfTree }, References(withEf: false), options);

            var errors = _efCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The generated source does not compile: " + string.Join(Environment.NewLine, errors.Take(5)));
            }

            _all = AnalyzerTypes().Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
            _one = Analyzer == "all" ? _all : _all.Where(a => a.GetType().Name == Analyzer).ToImmutableArray();

            // Print what the analyzers find on the file, so the figures are about real work.
            var found = Run(_efCompilation, _one).GetAwaiter().GetResult();
            Console.WriteLine($"// {Analyzer}: {Methods} methods, {source.Split('\n').Length} lines, {found.Length} diagnostics: "
                + string.Join(", ", found.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
        }

        [Benchmark(Description = "Compile only")]
        public int CompileOnly() => _efCompilation.Clone().GetDiagnostics().Length;

        /// <summary>
        /// The analyzer driver's own cost: compile + an analyzer that asks for every invocation and loop and does nothing
        /// (builds pay this already for any operation analyzer, e.g. the SDK's). The difference to the next line is ours.
        /// </summary>
        [Benchmark(Baseline = true, Description = "Compile + no-op analyzer")]
        public async Task<int> CompileWithNoOpAnalyzer() => (await Run(_efCompilation, ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpOperationAnalyzer()))).Length;

        [Benchmark(Description = "Compile + analyzers")]
        public async Task<int> CompileWithAnalyzers() => (await Run(_efCompilation, _one)).Length;

        [Benchmark(Description = "Compile + analyzers, no EF Core")]
        public async Task<int> CompileWithAnalyzersWithoutEf() => (await Run(_noEfCompilation, _one)).Length;

        private static async Task<ImmutableArray<Diagnostic>> Run(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
        {
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, _) => throw new InvalidOperationException($"{analyzer.GetType().Name} threw", exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);

            // A clone so that no binding is cached between iterations; GetAllDiagnostics = compile + analyze, like a build.
            var all = await compilation.Clone().WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync(CancellationToken.None);
            return all.Where(d => d.Id.StartsWith("EFP", StringComparison.Ordinal)).ToImmutableArray();
        }

        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        internal sealed class NoOpOperationAnalyzer : DiagnosticAnalyzer
        {
            private static readonly DiagnosticDescriptor Never = new("BENCH000", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.Loop);
            }
        }

        internal static IEnumerable<Type> AnalyzerTypes()
            => typeof(RuleIds).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
                .OrderBy(t => t.Name, StringComparer.Ordinal);

        internal static IEnumerable<MetadataReference> References(bool withEf)
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
            if (withEf)
            {
                var dir = AppContext.BaseDirectory;
                foreach (var path in Directory.GetFiles(dir, "Microsoft.EntityFrameworkCore*.dll").Concat(Directory.GetFiles(dir, "Microsoft.Extensions.*.dll")))
                {
                    references.Add(MetadataReference.CreateFromFile(path));
                }
            }

            return references;
        }
    }
}
