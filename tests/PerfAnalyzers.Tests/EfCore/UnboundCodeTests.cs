using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Meta;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// Unbound code can only hide findings (docs/validation.md): half-typed code, missing references and calls that do not
    /// bind are never a round trip, a query, a DbContext or a loop, for every analyzer. Each case has a bound twin that
    /// differs only in what binds and must report, so the silent half cannot pass for the wrong reason.
    /// </summary>
    public class UnboundCodeTests
    {
        private sealed record Case(string Unbound, string Bound, string[] BoundReports);

        // The app's own Where over DbSet<T> (real apps have these) is the candidate Roslyn offers for a JSON array whose type
        // is missing; its IQueryable<T> result type then made FirstOrDefault/foreach look like EF queries.
        private const string AppWhere = """
            using System.Linq.Expressions;
            public static class AppQueryExtensions
            {
                public static IQueryable<T> Where<T>(this DbSet<T> set, Expression<Func<T, bool>> predicate) where T : class
                    => Queryable.Where(set, predicate);
            }

            """;

        private static readonly Dictionary<string, Case> Cases = new()
        {
            ["candidate-extension-over-missing-type"] = new Case(
                AppWhere + """
                public class Importer
                {
                    public async Task<int> ImportAsync(JArray rows, List<int> ids)
                    {
                        var found = 0;
                        foreach (var id in ids)
                        {
                            var row = rows.Where(r => r.Id == id).FirstOrDefault();
                            if (row != null) found++;
                            if (Lookup(rows, id) != null) found++;
                        }

                        foreach (var r in rows.Where(r => r.Id > found)) { found++; }
                        await Task.Yield();
                        return found;
                    }

                    private object Lookup(JArray rows, int id) => rows.Where(r => r.Id == id).FirstOrDefault();
                }
                """,
                AppWhere + """
                public class Importer
                {
                    public async Task<int> ImportAsync(DbSet<Post> rows, List<int> ids)
                    {
                        var found = 0;
                        foreach (var id in ids)
                        {
                            var row = rows.Where(r => r.Id == id).FirstOrDefault();
                            if (row != null) found++;
                            if (Lookup(rows, id) != null) found++;
                        }

                        foreach (var r in rows.Where(r => r.Id > found)) { found++; }
                        await Task.Yield();
                        return found;
                    }

                    private object Lookup(DbSet<Post> rows, int id) => rows.Where(r => r.Id == id).FirstOrDefault();
                }
                """,
                new[] { "EFP101", "EFP104", "EFP401" }),

            ["overload-resolution-failure-and-unbound-arguments"] = new Case(
                """
                public class Report
                {
                    private static BlogContext Open(BlogContext db) => db;

                    public async Task<int> RunAsync(BlogContext db, List<int> ids, Row row)
                    {
                        var n = 0;
                        foreach (var id in ids)
                        {
                            n += db.Posts.Where(p => p.BlogId == id, true).Count();
                            var post = db.Posts.Find(row.Key);
                            post.Views++;
                            Open(db, "tenant").SaveChanges();
                        }

                        await Task.Yield();
                        return n;
                    }
                }
                """,
                """
                public class Report
                {
                    private static BlogContext Open(BlogContext db) => db;

                    public async Task<int> RunAsync(BlogContext db, List<int> ids, int key)
                    {
                        var n = 0;
                        foreach (var id in ids)
                        {
                            n += db.Posts.Where(p => p.BlogId == id).Count();
                            var post = db.Posts.Find(key);
                            post.Views++;
                            Open(db).SaveChanges();
                        }

                        await Task.Yield();
                        return n;
                    }
                }
                """,
                new[] { "EFP101", "EFP201", "EFP401" }),

            ["unbound-locals-and-members"] = new Case(
                """
                public class Sync
                {
                    public async Task<int> RunAsync(BlogContext db, List<int> ids, Feed feed)
                    {
                        var n = 0;
                        var query = db.Missing.Where(p => p.Views > 0);
                        var reassigned = feed.Posts();
                        foreach (var id in ids)
                        {
                            n += query.Count();
                            if (n > 10) reassigned = reassigned.Where(p => p.BlogId == id);
                            n += reassigned.Count();
                        }

                        foreach (var item in feed.Items)
                        {
                            n += await db.Posts.CountAsync(p => p.BlogId == item);
                        }

                        await Task.Yield();
                        return n;
                    }
                }
                """,
                """
                public class Sync
                {
                    public async Task<int> RunAsync(BlogContext db, List<int> ids, List<int> items)
                    {
                        var n = 0;
                        var query = db.Posts.Where(p => p.Views > 0);
                        var reassigned = db.Posts.Where(p => p.Views > 1);
                        foreach (var id in ids)
                        {
                            n += query.Count();
                            if (n > 10) reassigned = reassigned.Where(p => p.BlogId == id);
                            n += reassigned.Count();
                        }

                        foreach (var item in items)
                        {
                            n += await db.Posts.CountAsync(p => p.BlogId == item);
                        }

                        await Task.Yield();
                        return n;
                    }
                }
                """,
                new[] { "EFP101", "EFP401" }),
        };

        public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(CaseNames))]
        public async Task Unbound_code_reports_nothing_in_any_analyzer(string name)
        {
            var diagnostics = await AnalyzerRunner.RunAsync(RuleCatalog.CreateAnalyzers(), Cases[name].Unbound);
            var findings = diagnostics.Where(d => d.Id.StartsWith("EFP", System.StringComparison.Ordinal)).Select(d => d.ToString()).ToList();
            Assert.True(findings.Count == 0, string.Join("\n", findings));
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public async Task The_bound_twin_reports(string name)
        {
            var @case = Cases[name];
            var diagnostics = await AnalyzerRunner.RunAsync(RuleCatalog.CreateAnalyzers(), @case.Bound);
            Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            var ids = diagnostics.Select(d => d.Id).ToHashSet();
            foreach (var id in @case.BoundReports)
            {
                Assert.True(ids.Contains(id), $"{id} expected in the bound twin; got {string.Join(", ", diagnostics.Select(d => d.ToString()))}");
            }
        }

        [Fact]
        public void The_unbound_sources_really_do_not_bind()
        {
            foreach (var (name, @case) in Cases)
            {
                var host = EfCoreTestHost.Create(@case.Unbound, allowErrors: true);
                Assert.True(host.Compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error), name);
            }
        }
    }
}
