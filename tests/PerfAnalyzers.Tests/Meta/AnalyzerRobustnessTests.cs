using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Meta
{
    /// <summary>
    /// Guard tests: every analyzer and suppressor (found by reflection) runs on empty, model-only, broken and half-typed
    /// code without throwing. An exception in an analyzer is an AD0001 warning in someone's build.
    /// </summary>
    public class AnalyzerRobustnessTests
    {
        /// <summary>Code as it is while being typed: unfinished calls, missing types, cycles, odd shapes.</summary>
        private static readonly Dictionary<string, string> Snippets = new(StringComparer.Ordinal)
        {
            ["empty"] = "",
            ["whitespace-and-comment"] = "  // nothing here\n",
            ["model-only"] = "class Empty { }",
            ["unfinished-save-in-foreach"] = """
                class C { void M(BlogContext db) { foreach (var b in db.Blogs) { b.Rating++; db.SaveChanges( } } }
                """,
            ["unfinished-lambda"] = """
                class C { void M(BlogContext db) { var x = db.Blogs.Where(b => b.).ToList(); } }
                """,
            ["missing-foreach-source"] = """
                class C { async Task M(BlogContext db) { foreach (var x in ) { await db.SaveChangesAsync(); } } }
                """,
            ["unfinished-then-include"] = """
                class C { void M(BlogContext db) { var q = db.Posts.Include(p => p.Blog).ThenInclude(; foreach (var p in q) { } } }
                """,
            ["unknown-members"] = """
                class C
                {
                    void M(BlogContext db, Unknown u)
                    {
                        foreach (var b in db.Missing) { db.Update(b); db.SaveChanges(); u.Query().ToList(); }
                        for (var i = 0; i < u.Count; i++) { db.Blogs.Find(u[i]); db.Posts.Where(p => p.Nope == i).Count(); }
                        while (u.Next()) { db.Entry(u.Item).Collection(x => x.Posts).Load(); }
                    }
                }
                """,
            ["unfinished-member-access"] = """
                class C { void M(BlogContext db) { foreach (var b in db.Blogs.ToList()) { db. } } }
                """,
            ["await-foreach-unfinished"] = """
                class C { async Task M(BlogContext db) { await foreach (var b in db.Blogs.AsAsyncEnumerable()) { await db.SaveChangesAsync(; } } }
                """,
            ["recursive-queryable-method"] = """
                class C
                {
                    IQueryable<Blog> Q(BlogContext db) => Q(db).Where(b => b.Rating > 1);
                    IQueryable<Blog> P(BlogContext db) => R(db).OrderBy(b => b.Id);
                    IQueryable<Blog> R(BlogContext db) => P(db).Take(10);
                    IQueryable<Blog> Prop => Prop.Where(b => true);
                    void M(BlogContext db)
                    {
                        foreach (var x in new[] { 1, 2 }) { Q(db).ToList(); P(db).Count(); Prop.Any(); db.SaveChanges(); }
                    }
                }
                """,
            ["self-referencing-query-locals"] = """
                class C
                {
                    void M(BlogContext db, bool f)
                    {
                        IQueryable<Blog> q = null;
                        q = q.Where(b => b.Rating > 1);
                        while (f) { q = q.Where(b => b.Id > 0); q = f ? q : q.OrderBy(b => b.Name); }
                        IQueryable<Blog> a = q, c = a;
                        a = c; c = a;
                        foreach (var b in q) { a.ToList(); c.Count(); }
                    }
                }
                """,
            ["loops-of-every-kind"] = """
                class C
                {
                    async Task M(BlogContext db, List<int> ids, CancellationToken ct)
                    {
                        ids.ForEach(id => db.Blogs.Find(id));
                        Parallel.ForEach(ids, id => db.SaveChanges());
                        await Parallel.ForEachAsync(ids, ct, async (id, t) => await db.SaveChangesAsync(t));
                        var r = ids.Select(id => db.Posts.Count(p => p.BlogId == id)).ToList();
                        do { db.SaveChanges(); } while (ids.Count > 0);
                        for (;;) { try { db.SaveChanges(); break; } catch (DbUpdateConcurrencyException) { } finally { db.SaveChanges(); } }
                        var n = 0;
                        foreach (var id in ids) { if (++n % 100 == 0) db.SaveChanges(); }
                        goto end;
                        end:;
                    }
                }
                """,
            ["expression-trees-and-local-functions"] = """
                using System.Linq.Expressions;
                class C
                {
                    void M(BlogContext db)
                    {
                        Expression<Func<Blog, int>> e = b => b.Posts.Count(p => p.Views > db.Posts.Count());
                        foreach (var b in db.Blogs.Select(b => new { b.Id, Count = b.Posts.Count() })) { Local(); }
                        void Local() => db.SaveChanges();
                        Func<int> f = () => db.Blogs.Count();
                    }
                }
                """,
            ["top-level-statements"] = """
                using var db = new BlogContext();
                foreach (var b in db.Blogs) { db.SaveChanges(); }
                """,
            ["generic-and-raw-sql"] = """
                class C<TContext, TEntity> where TContext : DbContext where TEntity : class
                {
                    void M(TContext db, int id)
                    {
                        foreach (var e in db.Set<TEntity>()) { db.Set<TEntity>().Find(id); db.Database.ExecuteSqlRaw("select 1"); }
                        foreach (var e in db.Set<Blog>().FromSqlRaw("select * from Blogs")) { db.Set<>(); }
                    }
                }
                """,
            ["garbage"] = "}}} class { foreach ( db.SaveChanges() ) => ;;; namespace",
        };

        public static IEnumerable<object[]> SnippetNames() => Snippets.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(SnippetNames))]
        public Task Analyzers_do_not_throw_on_EF_Core_10(string snippet) => AssertNoAnalyzerExceptions(Snippets[snippet], EfVersion.Ef10, withModel: true);

        [Theory]
        [MemberData(nameof(SnippetNames))]
        public Task Analyzers_do_not_throw_on_EF_Core_8(string snippet) => AssertNoAnalyzerExceptions(Snippets[snippet], EfVersion.Ef8, withModel: true);

        [Theory]
        [MemberData(nameof(SnippetNames))]
        public Task Analyzers_do_not_throw_without_EF_Core(string snippet) => AssertNoAnalyzerExceptions(Snippets[snippet], EfVersion.None, withModel: false);

        [Fact]
        public Task Analyzers_do_not_throw_on_the_model_alone() => AssertNoAnalyzerExceptions(null, EfVersion.Ef10, withModel: true);

        [Fact]
        public async Task Analyzers_report_nothing_without_EF_Core()
        {
            var diagnostics = await RunAsync(Snippets["loops-of-every-kind"].Replace("BlogContext", "object", StringComparison.Ordinal), EfVersion.None, withModel: false);
            Assert.DoesNotContain(diagnostics.Diagnostics, d => d.Id.StartsWith("EFP", StringComparison.Ordinal));
        }

        private static async Task AssertNoAnalyzerExceptions(string? source, EfVersion efVersion, bool withModel)
        {
            var result = await RunAsync(source, efVersion, withModel);
            var problems = result.Exceptions
                .Concat(result.Diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()))
                .ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        private static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyCollection<string> Exceptions)> RunAsync(string? source, EfVersion efVersion, bool withModel)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
            var trees = new List<SyntaxTree>();
            if (withModel)
            {
                trees.Add(CSharpSyntaxTree.ParseText(EfModel.Prelude, parseOptions, path: "Model.cs"));
            }
            else
            {
                trees.Add(CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;", parseOptions, path: "Usings.cs"));
            }

            if (source is not null)
            {
                trees.Add(CSharpSyntaxTree.ParseText(source, parseOptions, path: "Test.cs"));
            }

            var outputKind = source is not null && source.Contains("using var db", StringComparison.Ordinal)
                ? OutputKind.ConsoleApplication
                : OutputKind.DynamicallyLinkedLibrary;
            var compilation = CSharpCompilation.Create(
                "Meta",
                trees,
                EfReferences.For(efVersion),
                new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable));

            var exceptions = new ConcurrentQueue<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: true);
            var analyzers = RuleCatalog.CreateAnalyzers();
            Assert.NotEmpty(analyzers);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync(timeout.Token);
            return (diagnostics, exceptions);
        }
    }
}
