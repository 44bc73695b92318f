using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// Guard tests on cost (issue 14): a compilation that does not reference EF Core pays for one compilation-start action
    /// per analyzer and nothing else (no operation, symbol, syntax or block action is registered there), while the same
    /// analyzers do register their actions when EF Core is referenced (so the first test can fail).
    /// </summary>
    public class RegistrationTests
    {
        private const string Source = """
            class C
            {
                async System.Threading.Tasks.Task<int> M(System.Collections.Generic.List<int> xs)
                {
                    var n = 0;
                    foreach (var x in xs) { n += xs.Where(y => y > x).Count(); }
                    await System.Threading.Tasks.Task.Yield();
                    return n;
                }
            }
            """;

        [Fact]
        public async Task Analyzers_register_nothing_but_compilation_start_without_EF_Core()
        {
            var telemetry = await RunAsync(EfVersion.None);
            var registered = telemetry.Where(t => ActionCount(t.Value) > 0).Select(t => $"{t.Key}: {ActionCount(t.Value)} actions").ToList();
            Assert.True(registered.Count == 0, string.Join(Environment.NewLine, registered));
        }

        [Fact]
        public async Task Analyzers_register_their_actions_with_EF_Core()
        {
            var telemetry = await RunAsync(EfVersion.Ef10);
            var idle = telemetry.Where(t => ActionCount(t.Value) == 0).Select(t => t.Key).ToList();
            Assert.True(idle.Count == 0, "no action registered: " + string.Join(", ", idle));
        }

        /// <summary>Every action but the compilation-start action every analyzer needs to look for EF Core.</summary>
        private static int ActionCount(AnalyzerTelemetryInfo info)
            => info.CompilationActionsCount + info.CompilationEndActionsCount + info.SyntaxTreeActionsCount
               + info.AdditionalFileActionsCount + info.SemanticModelActionsCount + info.SymbolActionsCount
               + info.SymbolStartActionsCount + info.SymbolEndActionsCount + info.SyntaxNodeActionsCount
               + info.CodeBlockStartActionsCount + info.CodeBlockEndActionsCount + info.CodeBlockActionsCount
               + info.OperationActionsCount + info.OperationBlockStartActionsCount + info.OperationBlockEndActionsCount
               + info.OperationBlockActionsCount;

        private static async Task<Dictionary<string, AnalyzerTelemetryInfo>> RunAsync(EfVersion efVersion)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = new List<SyntaxTree>
            {
                CSharpSyntaxTree.ParseText("global using System; global using System.Linq;", parseOptions, path: "Usings.cs"),
                CSharpSyntaxTree.ParseText(Source, parseOptions, path: "Test.cs"),
            };
            var analyzers = RuleCatalog.CreateAnalyzers().Where(a => a is not DiagnosticSuppressor).ToImmutableArray();
            Assert.NotEmpty(analyzers);

            // Every rule switched on (the driver never starts an analyzer whose rules are all off by default).
            var enabled = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct()
                .ToDictionary(id => id, _ => ReportDiagnostic.Warn);
            var compilation = CSharpCompilation.Create(
                "Registration",
                trees,
                EfReferences.For(efVersion),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, specificDiagnosticOptions: enabled));
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var result = await compilation.WithAnalyzers(analyzers, options).GetAnalysisResultAsync(timeout.Token);
            return analyzers.ToDictionary(a => a.GetType().Name, a => result.AnalyzerTelemetryInfo[a]);
        }
    }
}
