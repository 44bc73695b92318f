using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.FuncPredicateOnQueryAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.FuncPredicateOnQueryFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class FuncPredicateOnQueryTests
    {
        [Fact]
        public async Task Fixes_a_local_func_and_adds_the_using()
        {
            var source = """
                class C
                {
                    List<Post> M(BlogContext db, int min)
                    {
                        Func<Post, bool> popular = p => p.Views > min && p.Title.Length > 3;
                        var count = db.Posts.{|#0:Count|}(popular);
                        return db.Posts.{|#1:Where|}(popular).ToList();
                    }
                }
                """;
            var fixedSource = """
                using System.Linq.Expressions;

                class C
                {
                    List<Post> M(BlogContext db, int min)
                    {
                        Expression<Func<Post, bool>> popular = p => p.Views > min && p.Title.Length > 3;
                        var count = db.Posts.Count(popular);
                        return db.Posts.Where(popular).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP307").WithLocation(0).WithArguments("popular", "Count"),
                VerifyCS.Diagnostic("EFP307").WithLocation(1).WithArguments("popular", "Where"));
        }

        [Fact]
        public async Task Fixes_a_private_static_field()
        {
            var source = """
                using System.Linq.Expressions;

                class C
                {
                    private static readonly Func<Blog, bool> IsActive = b => !b.IsArchived;

                    bool Any(BlogContext db) => db.Blogs.{|#0:Any|}(IsActive);
                    Blog First(BlogContext db) => db.Blogs.Include(b => b.Posts).{|#1:FirstOrDefault|}(IsActive);
                }
                """;
            var fixedSource = """
                using System.Linq.Expressions;

                class C
                {
                    private static readonly Expression<Func<Blog, bool>> IsActive = b => !b.IsArchived;

                    bool Any(BlogContext db) => db.Blogs.Any(IsActive);
                    Blog First(BlogContext db) => db.Blogs.Include(b => b.Posts).FirstOrDefault(IsActive);
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP307").WithLocation(0).WithArguments("IsActive", "Any"),
                VerifyCS.Diagnostic("EFP307").WithLocation(1).WithArguments("IsActive", "FirstOrDefault"));
        }

        [Fact]
        public async Task Reports_without_fix_for_parameters_method_groups_and_unsafe_lambdas()
        {
            var source = """
                class C
                {
                    private static bool IsPublished(Post p) => p.IsPublished;
                    private static readonly Func<Post, bool> Shared = p => p.Views > 0;
                    private static string Normalize(string s) => s.Trim();

                    void M(BlogContext db, Func<Post, bool> filter, List<Post> list)
                    {
                        var a = db.Posts.{|#0:Where|}(filter).ToList();
                        var b = db.Posts.{|#1:Where|}(IsPublished).ToList();
                        Func<Post, bool> local = p => Normalize(p.Title) == "x";   // not translatable
                        var c = db.Posts.{|#2:Where|}(local).ToList();
                        Func<Post, bool> block = p => { return p.Views > 1; };     // not an expression
                        var d = db.Posts.{|#3:Any|}(block);
                        Func<Post, bool> reused = p => p.Views > 2;
                        var e = db.Posts.{|#4:Any|}(reused);
                        var f = list.Where(reused).ToList();                         // also used in memory
                        var g = db.Posts.{|#5:Count|}(Shared);
                        var h = list.Count(Shared);                                  // the field is used in memory too
                        Func<Post, bool> byTitle = p => p.Title == "x";              // string comparison: collation may differ
                        var k = db.Posts.{|#7:Where|}(byTitle).ToList();
                        Func<Post, bool> composed = p => p.Views > 3;
                        var i = db.Posts.{|#6:Where|}(composed);                     // composed later, not consumed at once
                        var j = i.Where(p => Normalize(p.Title) == "y").ToList();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, source, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP307").WithLocation(0).WithArguments("filter", "Where"),
                VerifyCS.Diagnostic("EFP307").WithLocation(1).WithArguments("IsPublished", "Where"),
                VerifyCS.Diagnostic("EFP307").WithLocation(2).WithArguments("local", "Where"),
                VerifyCS.Diagnostic("EFP307").WithLocation(3).WithArguments("block", "Any"),
                VerifyCS.Diagnostic("EFP307").WithLocation(4).WithArguments("reused", "Any"),
                VerifyCS.Diagnostic("EFP307").WithLocation(5).WithArguments("Shared", "Count"),
                VerifyCS.Diagnostic("EFP307").WithLocation(6).WithArguments("composed", "Where"),
                VerifyCS.Diagnostic("EFP307").WithLocation(7).WithArguments("byTitle", "Where"));
        }

        [Fact]
        public async Task Does_not_report_near_misses()
        {
            var source = """
                using System.Linq.Expressions;

                class C
                {
                    void M(BlogContext db, List<Post> list, Expression<Func<Post, bool>> expr, Func<Post, bool> func, Func<Post, int, bool> indexed)
                    {
                        var a = db.Posts.Where(p => p.Views > 1).ToList();        // lambda: Queryable
                        var b = db.Posts.Where(expr).ToList();                     // expression
                        var c = list.Where(func).ToList();                         // in memory
                        var d = db.Posts.AsEnumerable().Where(func).ToList();      // explicitly client side (EFP303's business)
                        var e = db.Posts.ToList().Where(func).ToList();
                        var f = db.Blogs.Where(bl => bl.Posts.Any(p => p.Views > 2)).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Works_on_EF_Core_8_and_silent_on_broken_code()
        {
            var source = """
                class C
                {
                    bool M(BlogContext db)
                    {
                        Func<Tag, bool> empty = t => t.Id > 10;
                        return db.Tags.{|#0:Any|}(empty);
                    }
                }
                """;
            var fixedSource = """
                using System.Linq.Expressions;

                class C
                {
                    bool M(BlogContext db)
                    {
                        Expression<Func<Tag, bool>> empty = t => t.Id > 10;
                        return db.Tags.Any(empty);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP307").WithLocation(0).WithArguments("empty", "Any"));

            var broken = """
                class C
                {
                    void M(BlogContext db, Func<Post, bool> f) { Func<Post, bool> g = p => p.; var x = db.Posts.Where(g).Where(f, ).Any(
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.FuncPredicateOnQueryAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            test.ExpectedDiagnostics.Add(CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.FuncPredicateOnQueryAnalyzer>.Diagnostic("EFP307").WithSpan("/0/Test1.cs", 3, 97, 3, 102).WithArguments("g", "Where"));
            await test.RunAsync();
        }
    }
}
