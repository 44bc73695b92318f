using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.CountInsteadOfAnyAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.CountInsteadOfAnyFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class CountInsteadOfAnyTests
    {
        [Theory]
        [InlineData("db.Posts.{|#0:Count|}() > 0", "db.Posts.Any()", "Count", "Any()")]
        [InlineData("db.Posts.{|#0:Count|}() != 0", "db.Posts.Any()", "Count", "Any()")]
        [InlineData("db.Posts.{|#0:Count|}() >= 1", "db.Posts.Any()", "Count", "Any()")]
        [InlineData("0 < db.Posts.{|#0:Count|}()", "db.Posts.Any()", "Count", "Any()")]
        [InlineData("1 <= db.Posts.{|#0:Count|}()", "db.Posts.Any()", "Count", "Any()")]
        [InlineData("0 != db.Posts.{|#0:LongCount|}()", "db.Posts.Any()", "LongCount", "Any()")]
        [InlineData("db.Posts.{|#0:Count|}() == 0", "!db.Posts.Any()", "Count", "!Any()")]
        [InlineData("db.Posts.{|#0:Count|}() < 1", "!db.Posts.Any()", "Count", "!Any()")]
        [InlineData("db.Posts.{|#0:Count|}() <= 0", "!db.Posts.Any()", "Count", "!Any()")]
        [InlineData("0 == db.Posts.{|#0:Count|}()", "!db.Posts.Any()", "Count", "!Any()")]
        [InlineData("1 > db.Posts.{|#0:Count|}()", "!db.Posts.Any()", "Count", "!Any()")]
        [InlineData("db.Posts.Where(p => p.Views > 10).{|#0:Count|}(p => p.IsPublished) > 0", "db.Posts.Where(p => p.Views > 10).Any(p => p.IsPublished)", "Count", "Any()")]
        public async Task Reports_and_fixes_every_comparison_form(string condition, string fixedCondition, string method, string replacement)
        {
            var source = $$"""
                class C
                {
                    bool M(BlogContext db) => {{condition}};
                }
                """;
            var fixedSource = $$"""
                class C
                {
                    bool M(BlogContext db) => {{fixedCondition}};
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP304").WithLocation(0).WithArguments(method, replacement));
        }

        [Fact]
        public async Task Async_forms_keep_predicate_cancellation_token_and_ConfigureAwait()
        {
            var source = """
                class C
                {
                    async Task<bool> M(BlogContext db, CancellationToken ct)
                    {
                        if (await db.Posts.{|#0:CountAsync|}(p => p.IsPublished, ct) > 0)
                        {
                            return true;
                        }

                        return await db.Blogs.{|#1:LongCountAsync|}(ct).ConfigureAwait(false) == 0;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<bool> M(BlogContext db, CancellationToken ct)
                    {
                        if (await db.Posts.AnyAsync(p => p.IsPublished, ct))
                        {
                            return true;
                        }

                        return !await db.Blogs.AnyAsync(ct).ConfigureAwait(false);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP304").WithLocation(0).WithArguments("CountAsync", "AnyAsync()"),
                VerifyCS.Diagnostic("EFP304").WithLocation(1).WithArguments("LongCountAsync", "!AnyAsync()"));
        }

        [Fact]
        public async Task Silent_in_setup_code_unless_asked()
        {
            // Piranha's Db.Seed(): a one-row Languages/Sites check at start-up is accurate but not worth acting on.
            var source = """
                class Db
                {
                    void Seed(BlogContext db)
                    {
                        if (db.Blogs.Count() == 0) { db.Blogs.Add(new Blog()); }
                    }

                    bool Request(BlogContext db) => db.Blogs.{|#0:Count|}() > 0;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP304").WithLocation(0).WithArguments("Count", "Any()"));
        }

        [Fact]
        public async Task Fix_all_fixes_every_comparison_in_the_document()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, IQueryable<Post> posts)
                    {
                        var a = db.Blogs.{|#0:Count|}() > 0;
                        var b = posts.Where(p => p.Views > 3).{|#1:Count|}() == 0 && a;
                        var query = db.Posts.Where(p => p.IsPublished);
                        if (query.{|#2:Count|}() != 0 || b) { }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, IQueryable<Post> posts)
                    {
                        var a = db.Blogs.Any();
                        var b = !posts.Where(p => p.Views > 3).Any() && a;
                        var query = db.Posts.Where(p => p.IsPublished);
                        if (query.Any() || b) { }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP304").WithLocation(0).WithArguments("Count", "Any()"),
                VerifyCS.Diagnostic("EFP304").WithLocation(1).WithArguments("Count", "!Any()"),
                VerifyCS.Diagnostic("EFP304").WithLocation(2).WithArguments("Count", "Any()"));
        }

        [Fact]
        public async Task Works_on_EF_Core_8()
        {
            var source = """
                class C
                {
                    async Task<bool> M(BlogContext db) => await db.Posts.{|#0:CountAsync|}() > 0;
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<bool> M(BlogContext db) => await db.Posts.AnyAsync();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP304").WithLocation(0).WithArguments("CountAsync", "AnyAsync()"));
        }

        [Fact]
        public async Task Does_not_report_near_misses()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Post> list, int[] numbers)
                    {
                        var n = db.Posts.Count();                     // the count itself is used
                        var several = db.Posts.Count() > 1;           // more than one: Any() would not do
                        var many = db.Posts.Count() >= 10;
                        var inMemory = list.Count() > 0;              // not a query
                        var loaded = db.Posts.ToList().Count() > 0;   // in-memory list (EFP303's business)
                        var array = numbers.Count() != 0;
                        var prop = list.Count > 0;                    // List.Count property
                        var sumCheck = db.Posts.Sum(p => p.Views) > 0;
                        var inTree = db.Blogs.Where(b => b.Posts.Count() > 0).ToList(); // inside SQL: the provider decides
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                using System.Linq;
                class C { bool M(int[] a) => a.Count() > 0; }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    bool M(BlogContext db) => db.Posts.Count(1, 2, 3) > 0 && db.Missing.Count() == 0 && db.Posts.Count(
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.CountInsteadOfAnyAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
