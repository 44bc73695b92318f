using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Baseline;
using PerfAnalyzers.Tests.Meta;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Rules.Suppressions
{
    /// <summary>
    /// EFPS007, the baseline: findings -> perfanalyzers.baseline.json (written the way the CLI writes it) -> the same code
    /// with the file as an AdditionalFile, run with every analyzer and suppressor of the package.
    /// </summary>
    public class BaselineSuppressorTests
    {
        private const string BaselinePath = "/repo/perfanalyzers.baseline.json";
        private const string SourcePath = "/repo/src/Shop/OrderService.cs";

        private const string Source = """
            namespace Shop
            {
                public class OrderService
                {
                    public void Load(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            var post = db.Posts.Find(id);
                        }

                        var all = db.Posts.ToList();
                        Console.WriteLine(all.Count);
                    }

                    public async Task<int> CountAsync(BlogContext db) => db.Posts.Count();
                }
            }
            """;

        [Fact]
        public async Task The_source_has_warning_and_info_findings()
        {
            var findings = Efp(await RunAsync(Source, baseline: null));
            Assert.Contains(findings, d => d.Id == "EFP101" && d.Severity == DiagnosticSeverity.Warning);
            Assert.Contains(findings, d => d.Id == "EFP401" && d.Severity == DiagnosticSeverity.Warning);
            Assert.Contains(findings, d => d.Severity == DiagnosticSeverity.Info);
            Assert.DoesNotContain(findings, d => d.IsSuppressed);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Every_finding_in_the_baseline_is_suppressed_also_with_warnings_as_errors(bool warningsAsErrors)
        {
            var baseline = await BaselineOfAsync(Source);
            var findings = Efp(await RunAsync(Source, baseline, warningsAsErrors));
            Assert.NotEmpty(findings);
            Assert.All(findings, d => Assert.True(d.IsSuppressed, $"{d.Id} at {d.Location.GetLineSpan()} is not suppressed."));
            if (warningsAsErrors)
            {
                Assert.Contains(findings, d => d.Severity == DiagnosticSeverity.Error);
            }
        }

        [Fact]
        public async Task A_new_finding_stays()
        {
            var baseline = await BaselineOfAsync(Source);
            var changed = Source.Replace(
                "        public async Task<int> CountAsync",
                "        public List<Blog> All(BlogContext db) => db.Blogs.ToList();\n\n        public async Task<int> CountAsync");
            var findings = Efp(await RunAsync(changed, baseline));
            var open = findings.Where(d => !d.IsSuppressed).ToList();
            Assert.NotEmpty(open);
            Assert.All(open, d => Assert.Equal("=> db.Blogs.ToList()", Statement(d)));
            Assert.Equal(findings.Count - open.Count, Efp(await RunAsync(Source, baseline)).Count);
        }

        [Fact]
        public async Task Unrelated_edits_keep_the_findings_suppressed()
        {
            var baseline = await BaselineOfAsync(Source);
            var edited = Source
                .Replace("namespace Shop\n{", "// a header comment\nusing System.Text;\n\nnamespace Shop\n{\n    public record Unrelated(int Id);\n")
                .Replace("    public class OrderService\n    {", "    public class OrderService\n    {\n        private readonly int _x = 1;\n\n        public int X() => _x;\n")
                .Replace("var post = db.Posts.Find(id);", "var post = db.Posts.Find( id ); // reformatted, with a comment")
                .Replace("var all = db.Posts.ToList();", "var all = db.Posts\n                .ToList();");
            Assert.NotEqual(Source, edited);
            var findings = Efp(await RunAsync(edited, baseline));
            Assert.Equal(Efp(await RunAsync(Source, null)).Count, findings.Count);
            Assert.All(findings, d => Assert.True(d.IsSuppressed, $"{d.Id} at {d.Location.GetLineSpan()} is not suppressed."));
        }

        [Fact]
        public async Task A_changed_statement_is_not_suppressed_and_the_others_stay_suppressed()
        {
            var baseline = await BaselineOfAsync(Source);
            var changed = Source.Replace("var post = db.Posts.Find(id);", "var post = db.Posts.FirstOrDefault(p => p.Id == id);");
            var findings = Efp(await RunAsync(changed, baseline));
            var open = findings.Where(d => !d.IsSuppressed).ToList();
            Assert.Contains(open, d => d.Id == "EFP101");
            Assert.All(open, d => Assert.Contains("FirstOrDefault", Statement(d), StringComparison.Ordinal));
            Assert.Contains(findings, d => d.IsSuppressed && d.Id == "EFP401");
        }

        [Fact]
        public async Task A_finding_moved_to_another_member_or_file_is_not_suppressed()
        {
            var baseline = await BaselineOfAsync(Source);
            var renamed = Efp(await RunAsync(Source.Replace("public void Load(", "public void LoadAll("), baseline));
            Assert.Contains(renamed, d => d.Id == "EFP101" && !d.IsSuppressed);
            Assert.Contains(renamed, d => d.Id == "EFP401" && d.IsSuppressed);

            var moved = Efp(await RunAsync(Source, baseline, sourcePath: "/repo/src/Shop/Other.cs"));
            Assert.All(moved, d => Assert.False(d.IsSuppressed));
        }

        [Fact]
        public async Task A_count_suppresses_at_most_that_many_identical_findings()
        {
            // Two identical statements in two loops of the same member.
            var source = Source.Replace(
                "                var post = db.Posts.Find(id);\n            }\n",
                "                var post = db.Posts.Find(id);\n            }\n\n            foreach (var id in ids)\n            {\n                var post = db.Posts.Find(id);\n            }\n");
            var baseline = await BaselineOfAsync(source);
            Assert.Contains("\"count\": 2", baseline, StringComparison.Ordinal);
            Assert.All(Efp(await RunAsync(source, baseline)), d => Assert.True(d.IsSuppressed));

            // A third copy: two of the three EFP101 findings are suppressed, the last one in source order stays.
            var three = source.Replace(
                "            var all = db.Posts.ToList();",
                "            foreach (var id in ids)\n            {\n                var post = db.Posts.Find(id);\n            }\n\n            var all = db.Posts.ToList();");
            var efp101 = Efp(await RunAsync(three, baseline)).Where(d => d.Id == "EFP101").OrderBy(d => d.Location.SourceSpan.Start).ToList();
            Assert.Equal(new[] { true, true, false }, efp101.Select(d => d.IsSuppressed));

            // Fewer than the count: still suppressed.
            Assert.All(Efp(await RunAsync(Source, baseline)), d => Assert.True(d.IsSuppressed));
        }

        [Fact]
        public async Task A_baseline_passed_twice_counts_once()
        {
            var baseline = await BaselineOfAsync(Source);
            var twice = Source.Replace(
                "                var post = db.Posts.Find(id);\n            }\n",
                "                var post = db.Posts.Find(id);\n            }\n\n            foreach (var id in ids)\n            {\n                var post = db.Posts.Find(id);\n            }\n");
            Assert.NotEqual(Source, twice);
            var efp101 = Efp(await RunAsync(twice, baseline, copies: 2)).Where(d => d.Id == "EFP101").OrderBy(d => d.Location.SourceSpan.Start).ToList();
            Assert.Equal(new[] { true, false }, efp101.Select(d => d.IsSuppressed));
        }

        [Theory]
        [InlineData("")]
        [InlineData("{")]
        [InlineData("not json")]
        [InlineData("[]")]
        [InlineData("{\"version\": 2, \"entries\": []}")]
        [InlineData("{\"version\": 1, \"entries\": {}}")]
        [InlineData("{\"version\": 1}")]
        [InlineData("{\"version\": 1, \"entries\": [{\"rule\": \"EFP101\"}]}")]
        [InlineData("{\"version\": 1, \"entries\": [], }")]
        [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
        public async Task A_malformed_baseline_suppresses_nothing_and_does_not_crash(string json)
        {
            var findings = Efp(await RunAsync(Source, json));
            Assert.NotEmpty(findings);
            Assert.All(findings, d => Assert.False(d.IsSuppressed));
            Assert.Null(BaselineFile.Parse(json));
        }

        [Fact]
        public async Task A_valid_baseline_with_one_bad_count_suppresses_nothing()
        {
            var baseline = await BaselineOfAsync(Source);
            var bad = baseline.Replace("\"count\": 1", "\"count\": 0");
            Assert.NotEqual(baseline, bad);
            Assert.All(Efp(await RunAsync(Source, bad)), d => Assert.False(d.IsSuppressed));
        }

        [Fact]
        public async Task A_file_with_another_name_is_not_a_baseline()
        {
            var baseline = await BaselineOfAsync(Source);
            Assert.All(Efp(await RunAsync(Source, baseline, baselinePath: "/repo/other.json")), d => Assert.False(d.IsSuppressed));
        }

        [Fact]
        public async Task Broken_code_with_a_baseline_does_not_crash()
        {
            var baseline = await BaselineOfAsync(Source);
            var broken = "class C { void M(BlogContext db, int[] ids) { foreach (var id in ids) { db.Posts.Find(id; } var x = db.; } }";
            await RunAsync(broken, baseline);
        }

        [Fact]
        public void Keys_ignore_whitespace_and_comments_and_name_the_member()
        {
            const string a = "namespace N.M { class C<T> { class D { int Run(ref int x, List<string> y) { var r = x + y.Count; return r; } } } }";
            const string b = "namespace N.M\n{\n  class C<T>\n  {\n    class D\n    {\n      // comment\n      int Run(ref int x, List<string> y)\n      {\n        var r = x+\n          y.Count; /* c */\n        return r;\n      }\n    }\n  }\n}";
            var ka = KeyAt(a, "y.Count", out var code);
            var kb = KeyAt(b, "y.Count", out _);
            Assert.Equal(ka, kb);
            Assert.Equal("N.M.C<T>.D.Run(ref int, List<string>)", ka.Member);
            Assert.Equal("var r=x+y.Count;", code);
            Assert.NotEqual(ka, KeyAt(a.Replace("x + y.Count", "x - y.Count"), "y.Count", out _));

            // A loop's body is not part of the loop's statement.
            var loop1 = KeyAt("class C { void M(int[] a) { foreach (var i in a) { Console.WriteLine(i); } } }", "foreach", out var loopCode);
            var loop2 = KeyAt("class C { void M(int[] a) { foreach (var i in a) { Console.WriteLine(i + 1); } } }", "foreach", out _);
            Assert.Equal(loop1, loop2);
            Assert.Equal("foreach(var i in a)", loopCode);

            Assert.Equal("C.P", KeyAt("class C { int P => Enumerable.Range(0, 3).Count(); }", "Count", out _).Member);
            Assert.Equal("C..ctor(int)", KeyAt("class C { C(int x) { var y = x.ToString(); } }", "ToString", out _).Member);
            Assert.Equal("<top-level statements>", KeyAt("var y = args.Length.ToString();", "ToString", out _).Member);
        }

        [Theory]
        [InlineData("/repo", "/repo/src/A.cs", "src/A.cs")]
        [InlineData("/repo/", "/repo/src/A.cs", "src/A.cs")]
        [InlineData("C:\\repo", "C:\\repo\\src\\A.cs", "src/A.cs")]
        [InlineData("c:\\Repo", "C:\\repo\\src\\A.cs", "src/A.cs")]
        [InlineData("/repo/app", "/repo/lib/B.cs", "../lib/B.cs")]
        [InlineData("D:\\repo", "C:\\x\\A.cs", "C:/x/A.cs")]
        [InlineData("/repo/src/..", "/repo/./src/A.cs", "src/A.cs")]
        public void Paths_are_relative_to_the_baseline_with_forward_slashes(string directory, string path, string expected)
            => Assert.Equal(expected, BaselineKey.RelativePath(directory, path));

        [Fact]
        public void Written_baselines_read_back()
        {
            var entries = new[]
            {
                new BaselineEntry(new BaselineKey("EFP301", "src/b \"q\".cs", "N.C.M(int)", "00ff"), 2, "var x=\"a\\b\";"),
                new BaselineEntry(new BaselineKey("EFP101", "src/a.cs", "N.C.M()", "0001"), 1, null),
            };
            var text = BaselineFile.Write(entries);
            var read = BaselineFile.Parse(text);
            Assert.NotNull(read);
            Assert.Equal(new[] { "src/a.cs", "src/b \"q\".cs" }, read!.Select(e => e.Key.File));
            Assert.Equal(entries[0].Key, read[1].Key);
            Assert.Equal(2, read[1].Count);
            Assert.Equal(entries[0].Code, read[1].Code);
            Assert.Equal(text, BaselineFile.Write(read));
            Assert.Empty(BaselineFile.Parse(BaselineFile.Write(Array.Empty<BaselineEntry>()))!);
        }

        [Fact]
        public void The_baseline_suppressor_covers_every_rule()
        {
            var suppressed = RuleCatalog.Suppressions.Where(s => s.Descriptor.Id == RuleIds.Baseline).Select(s => s.Descriptor.SuppressedDiagnosticId).ToHashSet();
            var rules = RuleCatalog.Descriptors.Select(d => d.Descriptor.Id).Where(id => !id.StartsWith("EFPS", StringComparison.Ordinal)).ToHashSet();
            Assert.Equal(rules.OrderBy(x => x), suppressed.OrderBy(x => x));
        }

        // ---------- helpers ----------

        private static BaselineKey KeyAt(string source, string marker, out string code)
        {
            var tree = CSharpSyntaxTree.ParseText(source, path: "/repo/A.cs");
            return BaselineKey.Create("EFP999", tree.FilePath, "/repo", tree.GetRoot(), source.IndexOf(marker, StringComparison.Ordinal), out code);
        }

        private static List<Diagnostic> Efp(ImmutableArray<Diagnostic> diagnostics)
            => diagnostics.Where(d => d.Id.StartsWith("EFP", StringComparison.Ordinal) && d.Location.SourceTree?.FilePath != EfModel.FileName).ToList();

        private static string Statement(Diagnostic d)
        {
            var node = d.Location.SourceTree!.GetRoot().FindToken(d.Location.SourceSpan.Start).Parent!;
            return BaselineKey.Anchor(node).ToString();
        }

        /// <summary>The baseline the CLI would write for <paramref name="source"/>'s findings.</summary>
        private static async Task<string> BaselineOfAsync(string source)
        {
            var findings = Efp(await RunAsync(source, baseline: null))
                .Select(d =>
                {
                    var key = BaselineKey.Create(d.Id, d.Location.SourceTree!.FilePath, "/repo", d.Location.SourceTree.GetRoot(), d.Location.SourceSpan.Start, out var code);
                    return (key, code);
                })
                .ToList();
            Assert.NotEmpty(findings);
            return BaselineFile.Write(BaselineFile.FromFindings(new[] { findings }));
        }

        private static async Task<ImmutableArray<Diagnostic>> RunAsync(string source, string? baseline, bool warningsAsErrors = false, string sourcePath = SourcePath, string baselinePath = BaselinePath, int copies = 1)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var compilation = CSharpCompilation.Create(
                "Test",
                new[] { CSharpSyntaxTree.ParseText(EfModel.Prelude, parse, EfModel.FileName), CSharpSyntaxTree.ParseText(source, parse, sourcePath) },
                EfReferences.For(EfVersion.Ef10),
                new CSharpCompilationOptions(
                    OutputKind.DynamicallyLinkedLibrary,
                    generalDiagnosticOption: warningsAsErrors ? ReportDiagnostic.Error : ReportDiagnostic.Default));
            var additional = baseline is null
                ? ImmutableArray<AdditionalText>.Empty
                : Enumerable.Range(0, copies).Select(_ => (AdditionalText)new InMemoryAdditionalText(baselinePath, baseline)).ToImmutableArray();
            var exceptions = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(additional),
                onAnalyzerException: (ex, _, _) => exceptions.Add(ex.ToString()),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: true);
            var diagnostics = await compilation.WithAnalyzers(RuleCatalog.CreateAnalyzers(), options).GetAnalyzerDiagnosticsAsync();
            Assert.Empty(exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics;
        }

        private sealed class InMemoryAdditionalText : AdditionalText
        {
            private readonly SourceText _text;

            public InMemoryAdditionalText(string path, string text)
            {
                Path = path;
                _text = SourceText.From(text, Encoding.UTF8);
            }

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
        }
    }
}
