using System.Diagnostics;
using System.Linq;
using System.Text;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    public class QueryChainTests
    {
        [Fact]
        public void Follows_locals_with_conditional_reassignment()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    List<Post> M(BlogContext db, bool onlyPublished, int? minViews)
                    {
                        IQueryable<Post> q = db.Posts;
                        if (onlyPublished) q = q.Where(p => p.IsPublished);
                        if (minViews is int v) { q = q.Where(p => p.Views >= v); }
                        q = q.OrderBy(p => p.Id);
                        return q.Take(10).ToList/*x*/();
                    }
                }
                """);
            var chain = host.RoundTrip("x")!.Query;
            Assert.Equal(QueryRootKind.DbSet, chain.RootKind);
            Assert.Equal("Post", chain.EntityType!.Name);
            Assert.Equal(new[] { "Where", "Where", "OrderBy", "Take" }, chain.Operators.Select(o => o.Name));
            Assert.Equal(new[] { true, true, false, false }, chain.Operators.Select(o => o.IsConditional));
        }

        [Fact]
        public void Follows_methods_and_properties_returning_queryables()
        {
            var host = EfCoreTestHost.Create("""
                class Repo
                {
                    private readonly BlogContext _db;
                    public Repo(BlogContext db) => _db = db;
                    public IQueryable<Post> Published => _db.Posts.Where(p => p.IsPublished);
                    public IQueryable<Post> Popular() { return Published.OrderByDescending(p => p.Views); }
                    public List<Post> Top() => Popular().Take(5).ToList/*x*/();
                }
                """);
            var chain = host.RoundTrip("x")!.Query;
            Assert.Equal(QueryRootKind.DbSet, chain.RootKind);
            Assert.Equal(new[] { "Where", "OrderByDescending", "Take" }, chain.Operators.Select(o => o.Name));
        }

        [Fact]
        public void Knows_the_order_helpers_give_a_query()
        {
            var host = EfCoreTestHost.Create("""
                public interface ISorter { IQueryable<Post> Apply(IQueryable<Post> q); }

                class C
                {
                    static IQueryable<Post> Always(IQueryable<Post> q, string by) => by == "t" ? q.OrderBy(p => p.Title) : q.OrderBy(p => p.Id);
                    static IQueryable<Post> Sometimes(IQueryable<Post> q, string by) => by == "t" ? q.OrderBy(p => p.Title) : q;
                    static IQueryable<Post> Conditionally(IQueryable<Post> q, bool sort) { if (sort) q = q.OrderBy(p => p.Id); return q; }

                    void M(BlogContext db, ISorter sorter, string by, bool sort)
                    {
                        var plain = db.Posts.Where(p => p.IsPublished);
                        plain.ToList/*plain*/();
                        var ordered = db.Posts.OrderBy(p => p.Id);
                        ordered.ToList/*ordered*/();
                        var some = db.Posts.AsQueryable();
                        if (sort) some = some.OrderBy(p => p.Id);
                        some.ToList/*some*/();
                        var always = db.Posts.AsQueryable();
                        always = Always(always, by);
                        always.ToList/*always*/();
                        var sometimes = db.Posts.AsQueryable();
                        sometimes = Sometimes(sometimes, by);
                        sometimes.ToList/*sometimes*/();
                        var conditionally = db.Posts.AsQueryable();
                        conditionally = Conditionally(conditionally, sort);
                        conditionally.ToList/*conditionally*/();
                        var opaque = db.Posts.AsQueryable();
                        opaque = sorter.Apply(opaque);
                        opaque.ToList/*opaque*/();
                    }
                }
                """);
            Assert.Equal(QueryOrder.Unordered, host.RoundTrip("plain")!.Query.Order);
            Assert.Equal(QueryOrder.Ordered, host.RoundTrip("ordered")!.Query.Order);
            Assert.Equal(QueryOrder.OrderedOnSomePaths, host.RoundTrip("some")!.Query.Order);
            Assert.Equal(QueryOrder.Ordered, host.RoundTrip("always")!.Query.Order);
            Assert.Equal(QueryOrder.Unordered, host.RoundTrip("sometimes")!.Query.Order);
            Assert.Equal(QueryOrder.Unknown, host.RoundTrip("conditionally")!.Query.Order);
            Assert.Equal(QueryOrder.Unknown, host.RoundTrip("opaque")!.Query.Order);
            Assert.Equal(QueryRootKind.DbSet, host.RoundTrip("opaque")!.Query.RootKind);
        }

        [Fact]
        public void Unknown_queryables_are_ef_queries_without_a_known_root()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    int M(IQueryable<Post> posts) => posts.Count/*x*/();
                }
                """);
            var chain = host.RoundTrip("x")!.Query;
            Assert.True(chain.IsEfQuery);
            Assert.False(chain.HasKnownRoot);
            Assert.Equal(QueryRootKind.UnknownQueryable, chain.RootKind);
        }

        [Fact]
        public void Self_referencing_and_recursive_code_terminates_quickly()
        {
            var body = new StringBuilder();
            for (var i = 0; i < 300; i++)
            {
                body.AppendLine($"        if (n > {i}) q = q.Where(p => p.Views > {i});");
            }

            var host = EfCoreTestHost.Create($$"""
                class C
                {
                    IQueryable<Post> Rec(BlogContext db, int n) => n == 0 ? db.Posts : Rec(db, n - 1).Where(p => p.Views > n);
                    IQueryable<Post> A(BlogContext db) => B(db);
                    IQueryable<Post> B(BlogContext db) => A(db);
                    void M(BlogContext db, int n)
                    {
                        IQueryable<Post> q = db.Posts;
                        for (var i = 0; i < n; i++) q = q.Where(p => p.Id != i).Concat(q);
                {{body}}
                        q.ToList/*x*/();
                        Rec(db, n).ToList/*rec*/();
                        A(db).ToList/*mutual*/();
                    }
                }
                """);
            var watch = Stopwatch.StartNew();
            var chain = host.RoundTrip("x")!.Query;
            Assert.True(chain.IsEfQuery);
            Assert.True(host.RoundTrip("rec")!.Query.IsEfQuery);
            Assert.True(host.RoundTrip("mutual")!.Query.IsEfQuery);
            // A hang guard, not a speed target (speed is the benchmarks' job): an unbounded walk would never return; a loaded 2-core CI machine can take 20 s+.
            Assert.True(watch.Elapsed.TotalSeconds < 120, "bounded walk");
        }

        [Fact]
        public void Ternaries_and_coalesce_merge_both_sides()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db, bool f, IQueryable<Post> maybe)
                    {
                        var q = f ? db.Posts.Where(p => p.IsPublished) : db.Posts.OrderBy(p => p.Id);
                        q.ToList/*t*/();
                        (maybe ?? db.Posts).ToList/*c*/();
                    }
                }
                """);
            var ternary = host.RoundTrip("t")!.Query;
            Assert.Equal(QueryRootKind.DbSet, ternary.RootKind);
            Assert.Contains(ternary.Operators, o => o.Name == "Where" && o.IsConditional);
            Assert.Contains(ternary.Operators, o => o.Name == "OrderBy" && o.IsConditional);
            Assert.Equal(QueryRootKind.DbSet, host.RoundTrip("c")!.Query.RootKind);
        }
    
        [Fact]
        public void A_DbSet_is_a_query_root_wherever_it_comes_from()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    static DbSet<Post> Posts(BlogContext db) => db.Posts;
                    static List<Post> FromParameter(DbSet<Post> posts) => posts.Where(p => p.IsPublished).ToList/*p*/();
                    static List<Post> FromLibrary(DbContext db) => db.Set<Post>().ToList/*s*/();
                    static List<Post> FromHelper(BlogContext db) => Posts(db).ToList/*h*/();
                }
                """);
            var parameter = host.RoundTrip("p")!.Query;
            Assert.Equal(QueryRootKind.DbSet, parameter.RootKind);
            Assert.Equal("Post", parameter.EntityType!.Name);
            Assert.Null(parameter.Context);
            Assert.Equal(QueryRootKind.SetMethod, host.RoundTrip("s")!.Query.RootKind);
            Assert.Equal(QueryRootKind.DbSet, host.RoundTrip("h")!.Query.RootKind);
        }

        [Fact]
        public void A_queryable_parameter_is_what_its_callers_pass()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    static List<Post> Ef(IQueryable<Post> q) => q.OrderBy(p => p.Id).ToList/*ef*/();
                    static List<Post> Memory(IQueryable<Post> q) => q.ToList/*mem*/();
                    static List<Post> Mixed(IQueryable<Post> q) => q.ToList/*mixed*/();
                    static List<Post> NoCaller(IQueryable<Post> q) => q.ToList/*none*/();
                    static List<Post> Grouped(IQueryable<Post> q) => q.ToList/*group*/();
                    static List<Post> Nested(IQueryable<Post> q) => Ef(q);

                    void Callers(BlogContext db, List<Post> list)
                    {
                        Ef(db.Posts.AsNoTracking().Where(p => p.IsPublished));
                        Nested(db.Set<Post>());
                        Memory(list.AsQueryable());
                        Mixed(db.Posts);
                        Mixed(list.AsQueryable());
                        Func<IQueryable<Post>, List<Post>> f = Grouped;
                        Grouped(db.Posts);
                    }
                }
                """);
            var ef = host.RoundTrip("ef")!.Query;
            Assert.Equal(QueryRootKind.DbSet, ef.RootKind);
            Assert.Equal(new[] { "AsNoTracking", "Where", "OrderBy" }, ef.Operators.Select(o => o.Name));
            Assert.Equal(new[] { true, true, false }, ef.Operators.Select(o => o.IsConditional));
            Assert.Null(host.RoundTrip("mem"));
            Assert.Equal(QueryRootKind.UnknownQueryable, host.RoundTrip("mixed")!.Query.RootKind);
            Assert.Equal(QueryRootKind.UnknownQueryable, host.RoundTrip("none")!.Query.RootKind);
            Assert.Equal(QueryRootKind.UnknownQueryable, host.RoundTrip("group")!.Query.RootKind);
        }
    }
}
