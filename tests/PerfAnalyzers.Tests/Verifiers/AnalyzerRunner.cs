using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// Runs analyzers (and suppressors) directly on a compilation of the shared model plus a source, for tests that
    /// must accept any diagnostic but an analyzer exception (half-typed code), or inspect suppressions.
    /// </summary>
    public static class AnalyzerRunner
    {
        public static async Task<ImmutableArray<Diagnostic>> RunAsync(DiagnosticAnalyzer analyzer, string source, EfVersion efVersion = EfVersion.Ef10)
            => await RunAsync(ImmutableArray.Create(analyzer), source, efVersion);

        public static async Task<ImmutableArray<Diagnostic>> RunAsync(ImmutableArray<DiagnosticAnalyzer> analyzers, string source, EfVersion efVersion = EfVersion.Ef10, bool reportSuppressed = false)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = new[]
            {
                CSharpSyntaxTree.ParseText(EfModel.Prelude, parse, EfModel.FileName),
                CSharpSyntaxTree.ParseText(source, parse, "/0/Test0.cs"),
            };
            var compilation = CSharpCompilation.Create(
                "Test",
                efVersion == EfVersion.None ? trees.Skip(1) : trees,
                EfReferences.For(efVersion),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var exceptions = new System.Collections.Generic.List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (ex, _, _) => exceptions.Add(ex.ToString()),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: reportSuppressed);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            Xunit.Assert.Empty(exceptions);
            return diagnostics;
        }
    }
}
