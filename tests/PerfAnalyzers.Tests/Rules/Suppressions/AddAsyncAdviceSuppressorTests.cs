using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using PerfAnalyzers.Rules.Suppressions;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Rules.Suppressions
{
    /// <summary>
    /// EFPS001-005 against the real CA1849 (Microsoft.CodeAnalysis.NetAnalyzers 9.0.0), MA0042 (Meziantou.Analyzer
    /// 3.0.321), S6966 (SonarAnalyzer.CSharp 9.32) and VSTHRD103 (Microsoft.VisualStudio.Threading.Analyzers 18.12.1)
    /// analyzers; SS033 (SharpSource, not on the package feed here) by its ID with a stand-in.
    /// </summary>
    public class AddAsyncAdviceSuppressorTests
    {
        private const string Source = """
            using System.IO;

            class C
            {
                async Task M(BlogContext db, Blog blog, List<Post> posts, string path)
                {
                    {|#0:db.Blogs.Add(blog)|};
                    {|#1:db.Posts.AddRange(posts)|};
                    {|#2:db.Add(new Author())|};
                    {|#3:db.AddRange(posts)|};
                    var text = {|#4:File.ReadAllText(path)|};
                    await db.SaveChangesAsync();
                }
            }
            """;

        private sealed class SuppressorTest : CSharpAnalyzerTest<AddAsyncAdviceSuppressor, DefaultVerifier>
        {
            private readonly ImmutableArray<DiagnosticAnalyzer> _thirdParty;
            private readonly string _enabledId;

            public SuppressorTest(ImmutableArray<DiagnosticAnalyzer> thirdParty, string enabledId, string source = Source)
            {
                _thirdParty = thirdParty;
                _enabledId = enabledId;
                ReferenceAssemblies = new ReferenceAssemblies("net10.0-local");
                TestState.AdditionalReferences.AddRange(EfReferences.For(EfVersion.Ef10));
                TestState.Sources.Add((EfModel.FileName, EfModel.Prelude));
                TestState.Sources.Add(source);
            }

            protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers()
                => base.GetDiagnosticAnalyzers().Concat(_thirdParty);

            protected override CompilationOptions CreateCompilationOptions()
            {
                var options = (CSharpCompilationOptions)base.CreateCompilationOptions();
                var specific = new Dictionary<string, ReportDiagnostic> { [_enabledId] = ReportDiagnostic.Warn };
                foreach (var id in _thirdParty.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct())
                {
                    if (id != _enabledId)
                    {
                        specific[id] = ReportDiagnostic.Suppress;
                    }
                }

                return options.WithNullableContextOptions(NullableContextOptions.Disable).WithSpecificDiagnosticOptions(specific);
            }
        }

        private static DiagnosticResult Reported(string id, int location, bool suppressed)
            => new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location).WithIsSuppressed(suppressed);

        private static DiagnosticResult[] AddsSuppressedFileReadNot(string id) => new[]
        {
            Reported(id, 0, suppressed: true),
            Reported(id, 1, suppressed: true),
            Reported(id, 2, suppressed: true),
            Reported(id, 3, suppressed: true),
            Reported(id, 4, suppressed: false),
        };

        /// <summary>
        /// The current packs learned the EF rule themselves (NetAnalyzers 9.0, Meziantou.Analyzer 3.0.321 and
        /// SonarAnalyzer 9.32 no longer flag EF's Add): nothing to suppress there, and the real diagnostics on other
        /// APIs are left alone. If a pack regresses, the suppressor covers it (see the stand-in tests).
        /// </summary>
        [Theory]
        [InlineData("netanalyzers", "CA1849")]
        [InlineData("meziantou", "MA0042")]
        [InlineData("sonar", "S6966")]
        public async Task Current_packs_only_report_the_real_blocking_call_and_it_stays_reported(string package, string id)
        {
            var analyzers = ThirdPartyAnalyzers.Supporting(package, id);
            Assert.NotEmpty(analyzers);
            var test = new SuppressorTest(analyzers, id);
            test.ExpectedDiagnostics.Add(Reported(id, 4, suppressed: false));
            await test.RunAsync();
        }

        /// <summary>
        /// CA1849, MA0042 and S6966 as earlier versions of those packs reported them on EF's Add (the versions served
        /// here no longer do, see above): a stand-in that reports the same ID on the same span as the real analyzers (the
        /// whole invocation, as they do on File.ReadAllText above).
        /// </summary>
        [Theory]
        [InlineData("MA0042")]
        [InlineData("S6966")]
        [InlineData("CA1849")]
        [InlineData("SS033")]
        public async Task Suppresses_stand_in_diagnostics_with_the_same_id_and_span(string id)
        {
            var test = new SuppressorTest(ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingCallStandIn(id)), id);
            test.ExpectedDiagnostics.AddRange(AddsSuppressedFileReadNot(id));
            await test.RunAsync();
        }

        /// <summary>
        /// vs-threading's VSTHRD103 ("Call async methods when in an async method") still flags EF's Add/AddRange (on the
        /// method name): suppressed there; its findings on File.ReadAllText and on EF's Count() (a real round trip, EFP401's
        /// advice too) stay.
        /// </summary>
        [Fact]
        public async Task VSTHRD103_from_the_real_vs_threading_analyzer_is_suppressed_on_EF_Add_only()
        {
            var analyzers = ThirdPartyAnalyzers.Supporting("vs-threading", "VSTHRD103");
            Assert.NotEmpty(analyzers);
            var test = new SuppressorTest(analyzers, "VSTHRD103", """
                using System.IO;

                class C
                {
                    async Task M(BlogContext db, Blog blog, List<Post> posts, string path)
                    {
                        db.Blogs.{|#0:Add|}(blog);
                        db.Posts.{|#1:AddRange|}(posts);
                        db.{|#2:Add|}(new Author());
                        db.{|#3:AddRange|}(posts);
                        var text = File.{|#4:ReadAllText|}(path);
                        var n = db.Posts.{|#5:Count|}();
                        await db.SaveChangesAsync();
                    }
                }
                """);
            test.ExpectedDiagnostics.AddRange(AddsSuppressedFileReadNot("VSTHRD103"));
            test.ExpectedDiagnostics.Add(Reported("VSTHRD103", 5, suppressed: false));
            await test.RunAsync();
        }

        [Fact]
        public async Task Does_not_suppress_other_ids_or_other_Add_methods()
        {
            var test = new SuppressorTest(ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingCallStandIn("XX0001")), "XX0001", """
                class C
                {
                    async Task M(BlogContext db, Blog blog)
                    {
                        {|#0:db.Blogs.Add(blog)|};
                        await Task.Yield();
                    }
                }
                """);
            test.ExpectedDiagnostics.Add(Reported("XX0001", 0, suppressed: false));
            await test.RunAsync();

            var test2 = new SuppressorTest(ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingCallStandIn("CA1849")), "CA1849", """
                class C
                {
                    async Task M(List<Blog> list, HashSet<int> set, Blog blog)
                    {
                        {|#0:list.Add(blog)|};
                        {|#1:set.Add(1)|};
                        await Task.Yield();
                    }
                }
                """);
            test2.ExpectedDiagnostics.Add(Reported("CA1849", 0, suppressed: false));
            test2.ExpectedDiagnostics.Add(Reported("CA1849", 1, suppressed: false));
            await test2.RunAsync();
        }

        [Fact]
        public async Task Broken_code_does_not_crash()
        {
            var diagnostics = await AnalyzerRunner.RunAsync(
                ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingCallStandIn("CA1849"), new AddAsyncAdviceSuppressor()),
                "class C { async Task M(BlogContext db) { db.Blogs.Add(; db.Add<(); } }",
                reportSuppressed: true);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        /// <summary>Reports <c>id</c> on every Add/AddRange/ReadAllText invocation inside an async method, on the whole invocation.</summary>
#pragma warning disable RS1036, RS1038, RS1041 // a test-only analyzer, never shipped or loaded by a compiler
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class BlockingCallStandIn : DiagnosticAnalyzer
        {
            private readonly DiagnosticDescriptor _descriptor;

            public BlockingCallStandIn(string id)
                => _descriptor = new DiagnosticDescriptor(id, "Blocking call", "Use '{0}Async'", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(_descriptor);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterOperationAction(
                    c =>
                    {
                        var invocation = (Microsoft.CodeAnalysis.Operations.IInvocationOperation)c.Operation;
                        var name = invocation.TargetMethod.Name;
                        if ((name == "Add" || name == "AddRange" || name == "ReadAllText") && c.ContainingSymbol is IMethodSymbol { IsAsync: true })
                        {
                            c.ReportDiagnostic(Diagnostic.Create(_descriptor, invocation.Syntax.GetLocation(), name));
                        }
                    },
                    OperationKind.Invocation);
            }
        }
#pragma warning restore RS1036, RS1038, RS1041
    }
}
