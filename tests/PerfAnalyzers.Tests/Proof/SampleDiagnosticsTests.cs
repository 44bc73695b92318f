using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Rules.Writes;
using PerfAnalyzers.Samples.Proof;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Proof
{
    /// <summary>
    /// Compiles the sample app's sources in-process with every PerfAnalyzers analyzer and checks the proof's premise for
    /// every scenario, present and future: its rule fires inside <c>RunBadAsync</c>, not inside <c>RunFixedAsync</c>, the
    /// fix introduces no other PerfAnalyzers diagnostic, and the app around the scenarios (model, seeder, runner) is clean.
    /// </summary>
    public sealed class SampleDiagnosticsTests
    {
        private static readonly Lazy<Task<SampleAnalysis>> Analysis = new(SampleAnalysis.RunAsync);

        public static TheoryData<string> Scenarios()
        {
            var data = new TheoryData<string>();
            foreach (var scenario in ProofRunner.DiscoverScenarios())
            {
                data.Add(scenario.GetType().FullName!);
            }

            return data;
        }

        [Fact]
        public async Task SampleCompilesAndAnalyzersRunWithoutExceptions()
        {
            var analysis = await Analysis.Value;
            Assert.True(analysis.Analyzers.Length > 0);
            Assert.Contains(analysis.Analyzers, a => a is SaveChangesInLoopAnalyzer);
            Assert.Empty(analysis.CompilationErrors);
            Assert.Empty(analysis.AnalyzerExceptions);
        }

        [Theory]
        [MemberData(nameof(Scenarios))]
        public async Task RuleIsReportedInsideRunBadAsync(string scenarioType)
        {
            var analysis = await Analysis.Value;
            var scenario = ProofRunner.DiscoverScenarios().Single(s => s.GetType().FullName == scenarioType);
            Assert.Contains(scenario.RuleId, analysis.RuleIds);

            var bad = analysis.MethodSpans(scenarioType, nameof(ProofScenario.RunBadAsync));
            var reported = analysis.Diagnostics.Where(d => d.Id == scenario.RuleId && bad.Any(span => span.Contains(d.Location))).ToList();
            Assert.True(
                reported.Count > 0,
                $"{scenario.RuleId} is not reported inside {scenarioType}.RunBadAsync. PerfAnalyzers diagnostics in the sample:{Environment.NewLine}" +
                string.Join(Environment.NewLine, analysis.Diagnostics.Select(Describe)));
        }

        /// <summary>
        /// The fixed variant no longer raises the scenario's rule, and the fix introduces nothing: any other PerfAnalyzers
        /// diagnostic in <c>RunFixedAsync</c> must be raised (at least as often) in <c>RunBadAsync</c> too, i.e. it belongs
        /// to code both variants share (e.g. EFP301 on the query that loads the work items), not to the fix.
        /// </summary>
        [Theory]
        [MemberData(nameof(Scenarios))]
        public async Task FixRemovesTheRuleAndIntroducesNoDiagnostic(string scenarioType)
        {
            var analysis = await Analysis.Value;
            var scenario = ProofRunner.DiscoverScenarios().Single(s => s.GetType().FullName == scenarioType);
            var badSpans = analysis.MethodSpans(scenarioType, nameof(ProofScenario.RunBadAsync));
            var fixedSpans = analysis.MethodSpans(scenarioType, nameof(ProofScenario.RunFixedAsync));
            var inFixed = analysis.Diagnostics.Where(d => fixedSpans.Any(span => span.Contains(d.Location))).ToList();
            var inBad = analysis.Diagnostics.Where(d => badSpans.Any(span => span.Contains(d.Location))).ToList();

            var ownRule = inFixed.Where(d => d.Id == scenario.RuleId).Select(Describe).ToList();
            Assert.True(ownRule.Count == 0, $"The fixed variant of {scenarioType} still triggers its own rule:{Environment.NewLine}{string.Join(Environment.NewLine, ownRule)}");

            var introduced = inFixed.GroupBy(d => d.Id)
                .Where(g => g.Count() > inBad.Count(d => d.Id == g.Key))
                .SelectMany(g => g)
                .Select(Describe)
                .ToList();
            Assert.True(introduced.Count == 0, $"The fix in {scenarioType} introduces diagnostics the bad variant does not have:{Environment.NewLine}{string.Join(Environment.NewLine, introduced)}");
        }

        /// <summary>The EFP201 scenarios (this helper's own) are held to the strict standard: their fixed code raises nothing.</summary>
        [Fact]
        public async Task SaveChangesScenariosFixedCodeRaisesNothing()
        {
            var analysis = await Analysis.Value;
            foreach (var scenario in ProofRunner.DiscoverScenarios().Where(s => s.RuleId == "EFP201"))
            {
                var fixedSpans = analysis.MethodSpans(scenario.GetType().FullName!, nameof(ProofScenario.RunFixedAsync));
                var reported = analysis.Diagnostics.Where(d => fixedSpans.Any(span => span.Contains(d.Location))).Select(Describe).ToList();
                Assert.True(reported.Count == 0, $"{scenario.GetType().Name}.RunFixedAsync triggers:{Environment.NewLine}{string.Join(Environment.NewLine, reported)}");
            }
        }

        [Fact]
        public async Task NothingIsReportedOutsideTheScenarios()
        {
            var analysis = await Analysis.Value;
            var scenarioSpans = analysis.ScenarioTypeSpans();
            var outside = analysis.Diagnostics
                .Where(d => !IsInScenariosFolder(d) && !scenarioSpans.Any(span => span.Contains(d.Location)))
                .Select(Describe)
                .ToList();
            Assert.True(outside.Count == 0, $"The sample's own code (model, seeder, runner) triggers:{Environment.NewLine}{string.Join(Environment.NewLine, outside)}");
        }

        private static bool IsInScenariosFolder(Diagnostic diagnostic) =>
            diagnostic.Location.SourceTree?.FilePath.Replace('\\', '/').Contains("/samples/PerfAnalyzers.Samples/Scenarios/", StringComparison.Ordinal) == true;

        private static string Describe(Diagnostic diagnostic)
        {
            var line = diagnostic.Location.GetLineSpan();
            return $"  {Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1}): {diagnostic.Id} {diagnostic.GetMessage()}";
        }

        /// <summary>A source span in one file.</summary>
        private readonly record struct FileSpan(SyntaxTree Tree, TextSpan Span)
        {
            public bool Contains(Location location) => location.SourceTree == Tree && Span.Contains(location.SourceSpan);
        }

        /// <summary>The sample compiled once with all analyzers; its PerfAnalyzers diagnostics.</summary>
        private sealed class SampleAnalysis
        {
            private SampleAnalysis(
                Compilation compilation,
                ImmutableArray<DiagnosticAnalyzer> analyzers,
                ImmutableHashSet<string> ruleIds,
                IReadOnlyList<Diagnostic> diagnostics,
                IReadOnlyList<Diagnostic> compilationErrors,
                IReadOnlyList<string> analyzerExceptions)
            {
                Compilation = compilation;
                Analyzers = analyzers;
                RuleIds = ruleIds;
                Diagnostics = diagnostics;
                CompilationErrors = compilationErrors;
                AnalyzerExceptions = analyzerExceptions;
            }

            public Compilation Compilation { get; }

            public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

            public ImmutableHashSet<string> RuleIds { get; }

            /// <summary>Diagnostics of PerfAnalyzers rules only.</summary>
            public IReadOnlyList<Diagnostic> Diagnostics { get; }

            public IReadOnlyList<Diagnostic> CompilationErrors { get; }

            public IReadOnlyList<string> AnalyzerExceptions { get; }

            public static async Task<SampleAnalysis> RunAsync()
            {
                var sampleDir = Path.Combine(FindRepositoryRoot(), "samples", "PerfAnalyzers.Samples");
                var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
                var trees = Directory.EnumerateFiles(sampleDir, "*.cs", SearchOption.AllDirectories)
                    .Where(path => !IsBuildOutput(Path.GetRelativePath(sampleDir, path)))
                    .OrderBy(path => path, StringComparer.Ordinal)
                    .Select(path => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(path)), parseOptions, path))
                    .ToList();

                var baseDir = AppContext.BaseDirectory;
                var references = EfReferences.For(EfVersion.Ef10)
                    .Concat(Directory.GetFiles(baseDir, "Npgsql*.dll").Select(path => MetadataReference.CreateFromFile(path)));
                var compilation = CSharpCompilation.Create(
                    "PerfAnalyzers.Samples",
                    trees,
                    references,
                    new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

                var analyzers = typeof(SaveChangesInLoopAnalyzer).Assembly.GetTypes()
                    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.IsDefined(typeof(DiagnosticAnalyzerAttribute), inherit: false))
                    .OrderBy(t => t.FullName, StringComparer.Ordinal)
                    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                    .ToImmutableArray();
                var ruleIds = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToImmutableHashSet();

                // The sample's .editorconfig turns the retired, off-by-default rules (EFP202) back on: so does this compilation.
                compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                    analyzers.SelectMany(a => a.SupportedDiagnostics).Where(d => !d.IsEnabledByDefault)
                        .Select(d => d.Id).Distinct()
                        .ToDictionary(id => id, _ => ReportDiagnostic.Warn)));

                var exceptions = new ConcurrentQueue<string>();
                var withAnalyzers = compilation.WithAnalyzers(
                    analyzers,
                    new CompilationWithAnalyzersOptions(
                        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                        (ex, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {ex}"),
                        concurrentAnalysis: true,
                        logAnalyzerExecutionTime: false));
                var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();

                return new SampleAnalysis(
                    compilation,
                    analyzers,
                    ruleIds,
                    diagnostics.Where(d => ruleIds.Contains(d.Id)).OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start).ToList(),
                    compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList(),
                    exceptions.ToList());
            }

            /// <summary>Where <paramref name="methodName"/> is declared for this scenario (its own or an inherited override).</summary>
            public IReadOnlyList<FileSpan> MethodSpans(string scenarioType, string methodName)
            {
                var type = Compilation.GetTypeByMetadataName(scenarioType);
                Assert.True(type is not null, $"{scenarioType} is not in the compiled sample.");
                for (var current = type; current is not null; current = current.BaseType)
                {
                    var spans = current.GetMembers(methodName).OfType<IMethodSymbol>()
                        .Where(m => !m.IsAbstract)
                        .SelectMany(m => m.DeclaringSyntaxReferences)
                        .Select(r => new FileSpan(r.SyntaxTree, r.Span))
                        .ToList();
                    if (spans.Count > 0)
                    {
                        return spans;
                    }
                }

                Assert.Fail($"{scenarioType} has no {methodName} in source.");
                return Array.Empty<FileSpan>();
            }

            /// <summary>Every scenario class declaration (and every abstract base they share below ProofScenario).</summary>
            public IReadOnlyList<FileSpan> ScenarioTypeSpans()
            {
                var contract = Compilation.GetTypeByMetadataName(typeof(ProofScenario).FullName!);
                Assert.NotNull(contract);
                var spans = new List<FileSpan>();
                foreach (var scenario in ProofRunner.DiscoverScenarios())
                {
                    for (var type = Compilation.GetTypeByMetadataName(scenario.GetType().FullName!);
                        type is not null && !SymbolEqualityComparer.Default.Equals(type, contract);
                        type = type.BaseType)
                    {
                        spans.AddRange(type.DeclaringSyntaxReferences.Select(r => new FileSpan(r.SyntaxTree, r.Span)));
                    }
                }

                return spans;
            }

            private static bool IsBuildOutput(string relativePath)
            {
                var first = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
                return first is "bin" or "obj";
            }

            private static string FindRepositoryRoot()
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "PerfAnalyzers.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new InvalidOperationException("PerfAnalyzers.sln not found above " + AppContext.BaseDirectory);
            }
        }
    }
}
