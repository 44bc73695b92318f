using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers
{
    /// <summary>
    /// A code-fix test (also used for analyzer-only tests) whose compilation references come from this project's restore:
    /// <see cref="ReferenceAssemblies"/> is an empty set, so the testing library never downloads a package.
    /// </summary>
    public sealed class PerfTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        private static readonly ReferenceAssemblies NoDownload = new ReferenceAssemblies("net10.0-local");

        public PerfTest(EfVersion efVersion = EfVersion.Ef10, bool includeModel = true)
        {
            EfVersion = efVersion;
            ReferenceAssemblies = NoDownload;

            // A rule may report several shapes under one ID (EFP401): {|ID:..|} markup checks the ID and span only.
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
            TestState.AdditionalReferences.AddRange(EfReferences.For(efVersion));
            if (includeModel && efVersion != EfVersion.None)
            {
                TestState.Sources.Add((EfModel.FileName, EfModel.Prelude));
            }
        }

        /// <summary>Adds the expected source after the fix (with the shared model, when the test state has it).</summary>
        public PerfTest<TAnalyzer, TCodeFix> WithFixedSource(string fixedSource)
        {
            if (EfVersion != EfVersion.None && FixedState.Sources.Count == 0 && TestState.Sources.Count > 0 && TestState.Sources[0].filename == EfModel.FileName)
            {
                FixedState.Sources.Add((EfModel.FileName, EfModel.Prelude));
            }

            FixedState.Sources.Add(fixedSource);
            return this;
        }

        public EfVersion EfVersion { get; }

        protected override ParseOptions CreateParseOptions()
            => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Preview);

        protected override CompilationOptions CreateCompilationOptions()
        {
            var options = (CSharpCompilationOptions)base.CreateCompilationOptions();
            return options
                .WithNullableContextOptions(NullableContextOptions.Disable)
                .WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.SetItems(ImmutableDictionary.CreateRange(new[]
                {
                    new System.Collections.Generic.KeyValuePair<string, ReportDiagnostic>("CS1701", ReportDiagnostic.Suppress),
                    new System.Collections.Generic.KeyValuePair<string, ReportDiagnostic>("CS1702", ReportDiagnostic.Suppress),
                })));
        }
    }

    /// <summary>VerifyCS-style facade: analyzer-only verification.</summary>
    public static class CSharpAnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        /// <summary>The expected diagnostic of the first descriptor with this ID (a rule may declare more shapes under one ID).</summary>
        public static DiagnosticResult Diagnostic(string id)
            => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(System.Linq.Enumerable.First(new TAnalyzer().SupportedDiagnostics, d => d.Id == id));

        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(descriptor);

        public static async System.Threading.Tasks.Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
            => await VerifyAnalyzerAsync(source, EfVersion.Ef10, expected);

        public static async System.Threading.Tasks.Task VerifyAnalyzerAsync(string source, EfVersion efVersion, params DiagnosticResult[] expected)
        {
            var test = Create(source, efVersion);
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }

        public static PerfTest<TAnalyzer, EmptyCodeFixProvider> Create(string source, EfVersion efVersion = EfVersion.Ef10)
        {
            var test = new PerfTest<TAnalyzer, EmptyCodeFixProvider>(efVersion);
            test.TestState.Sources.Add(source);
            return test;
        }
    }

    /// <summary>VerifyCS-style facade: analyzer + code fix verification (Fix All in document/project/solution is checked too).</summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>The expected diagnostic of the first descriptor with this ID (a rule may declare more shapes under one ID).</summary>
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer>.Diagnostic(id);

        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(descriptor);

        public static System.Threading.Tasks.Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
            => CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, EfVersion.Ef10, expected);

        public static System.Threading.Tasks.Task VerifyAnalyzerAsync(string source, EfVersion efVersion, params DiagnosticResult[] expected)
            => CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, efVersion, expected);

        public static System.Threading.Tasks.Task VerifyCodeFixAsync(string source, string fixedSource)
            => VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10);

        public static async System.Threading.Tasks.Task VerifyCodeFixAsync(string source, string fixedSource, EfVersion efVersion, params DiagnosticResult[] expected)
        {
            var test = Create(source, fixedSource, efVersion);
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }

        public static PerfTest<TAnalyzer, TCodeFix> Create(string source, string fixedSource, EfVersion efVersion = EfVersion.Ef10)
        {
            var test = new PerfTest<TAnalyzer, TCodeFix>(efVersion);
            test.TestState.Sources.Add(source);
            return test.WithFixedSource(fixedSource);
        }
    }
}
