using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Rules.Query;
using PerfAnalyzers.Rules.Suppressions;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Rules.Suppressions
{
    /// <summary>EFPS006 against the real CA1827 (Microsoft.CodeAnalysis.NetAnalyzers 9.0.0).</summary>
    public class CountAdviceSuppressorTests
    {
        private const string Source = """
            class C
            {
                void M(BlogContext db, IEnumerable<int> numbers)
                {
                    var a = db.Posts.Count() > 0;
                    var b = db.Posts.Where(p => p.Views > 1).LongCount() != 0;
                    var c = numbers.Count() > 0;
                }
            }
            """;

        [Fact]
        public async Task CA1827_is_suppressed_where_EFP304_reports_the_same_Count_and_kept_elsewhere()
        {
            var diagnostics = await RunAsync(Source, efp304: ReportDiagnostic.Default);
            var ca1827 = diagnostics.Where(d => d.Id == "CA1827").Select(d => (Text(d), d.IsSuppressed)).ToList();
            Assert.Equal(
                new[]
                {
                    ("db.Posts.Count() > 0", true),
                    ("db.Posts.Where(p => p.Views > 1).LongCount() != 0", true),
                    ("numbers.Count() > 0", false),
                },
                ca1827);
            Assert.Equal(2, diagnostics.Count(d => d.Id == "EFP304" && !d.IsSuppressed));
        }

        [Fact]
        public async Task CA1827_stays_when_EFP304_is_switched_off()
        {
            var diagnostics = await RunAsync(Source, efp304: ReportDiagnostic.Suppress);
            Assert.Equal(3, diagnostics.Count(d => d.Id == "CA1827"));
            Assert.DoesNotContain(diagnostics, d => d.Id == "CA1827" && d.IsSuppressed);
        }

        [Fact]
        public async Task Broken_code_does_not_crash()
        {
            var diagnostics = await AnalyzerRunner.RunAsync(
                ImmutableArray.Create<DiagnosticAnalyzer>(new CountAdviceSuppressor(), new CountInsteadOfAnyAnalyzer()),
                "class C { void M(BlogContext db) { var a = db.Posts.Count( > 0; var b = 0 < db.; } }",
                reportSuppressed: true);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

        private static async Task<ImmutableArray<Diagnostic>> RunAsync(string source, ReportDiagnostic efp304)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var compilation = CSharpCompilation.Create(
                "Test",
                new[] { CSharpSyntaxTree.ParseText(EfModel.Prelude, parse, EfModel.FileName), CSharpSyntaxTree.ParseText(source, parse, "/0/Test0.cs") },
                EfReferences.For(EfVersion.Ef10),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                    .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CA1827"] = ReportDiagnostic.Warn, ["EFP304"] = efp304 }));
            var analyzers = ThirdPartyAnalyzers.Supporting("netanalyzers", "CA1827")
                .Add(new CountInsteadOfAnyAnalyzer())
                .Add(new CountAdviceSuppressor());
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics.Where(d => d.Location.SourceTree?.FilePath == "/0/Test0.cs").OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }
    }
}
