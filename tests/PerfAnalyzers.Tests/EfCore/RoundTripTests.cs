using System.Linq;
using PerfAnalyzers.EfCore;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    public class RoundTripTests
    {
        private const string Source = """
            class C
            {
                async Task M(BlogContext db, List<Post> list, int id, CancellationToken ct)
                {
                    db.Posts.ToList/*toList*/();
                    db.Posts.Where(p => p.IsPublished).Count/*count*/();
                    await db.Posts.ToListAsync/*toListAsync*/(ct);
                    await db.Set<Blog>().AnyAsync/*anyAsync*/(b => b.Rating > 3, ct);
                    db.Posts.Find/*find*/(id);
                    await db.FindAsync<Post>/*findAsync*/(id);
                    db.Entry(list[0]).Collection(p => p.Comments).Load/*load*/();
                    db.Entry(list[0]).Reference(p => p.Blog).Query().Where(b => b.Rating > 1).Load/*queryLoad*/();
                    db.SaveChanges/*save*/();
                    await db.SaveChangesAsync/*saveAsync*/(ct);
                    db.Posts.Where(p => !p.IsPublished).ExecuteDelete/*delete*/();
                    db.Posts.ExecuteUpdate/*update*/(s => s.SetProperty(p => p.Views, 0));
                    db.Database.ExecuteSqlRaw/*sql*/("DELETE FROM Posts");
                    db.Posts.FromSqlRaw("SELECT * FROM Posts").ToList/*fromSql*/();
                    db.Database.SqlQueryRaw<int>("SELECT 1").ToList/*sqlQuery*/();
                    Enumerable.ToList/*enumerableToList*/(db.Posts);
                    db.Posts.AsEnumerable().Where(p => p.Views > 1).ToList/*clientSide*/();

                    list.ToList/*inMemory*/();
                    list.AsQueryable().Where(p => p.Views > 2).ToList/*asQueryable*/();
                    var loaded = db.Posts.ToList/*loaded*/();
                    loaded.Where(p => p.Views > 3).Count/*loadedCount*/();
                    new[] { 1, 2 }.Contains/*arrayContains*/(id);
                    db.Blogs.Where(b => db.Posts.Any/*inExpression*/(p => p.BlogId == b.Id)).ToList/*outer*/();
                    db.Blogs.Select(b => b.Posts.Count/*navigationCount*/()).ToList();
                    db.Posts.ToQueryString/*toQueryString*/();
                    db.Posts.Where(p => p.IsPublished).AsNoTracking/*composing*/();
                }
            }
            """;

        private static readonly EfCoreTestHost Host = EfCoreTestHost.Create(Source);

        [Theory]
        [InlineData("toList", "Query", false)]
        [InlineData("count", "Query", false)]
        [InlineData("toListAsync", "Query", true)]
        [InlineData("anyAsync", "Query", true)]
        [InlineData("find", "Find", false)]
        [InlineData("findAsync", "Find", true)]
        [InlineData("load", "Load", false)]
        [InlineData("queryLoad", "Load", false)]
        [InlineData("save", "SaveChanges", false)]
        [InlineData("saveAsync", "SaveChanges", true)]
        [InlineData("delete", "BulkDelete", false)]
        [InlineData("update", "BulkUpdate", false)]
        [InlineData("sql", "RawSqlCommand", false)]
        [InlineData("fromSql", "Query", false)]
        [InlineData("sqlQuery", "Query", false)]
        [InlineData("enumerableToList", "Query", false)]
        [InlineData("clientSide", "Query", false)]
        [InlineData("loaded", "Query", false)]
        [InlineData("outer", "Query", false)]
        public void Recognizes_round_trips(string marker, string kind, bool isAsync)
        {
            var roundTrip = Host.RoundTrip(marker);
            Assert.NotNull(roundTrip);
            Assert.Equal(kind, roundTrip!.Kind.ToString());
            Assert.Equal(isAsync, roundTrip.IsAsync);
        }

        [Theory]
        [InlineData("inMemory")]
        [InlineData("asQueryable")]
        [InlineData("loadedCount")]
        [InlineData("arrayContains")]
        [InlineData("inExpression")]
        [InlineData("navigationCount")]
        [InlineData("toQueryString")]
        [InlineData("composing")]
        public void Rejects_what_is_not_a_round_trip(string marker)
        {
            Assert.Null(Host.RoundTrip(marker));
        }

        [Fact]
        public void Query_roots_and_entities()
        {
            Assert.Equal(QueryRootKind.DbSet, Host.RoundTrip("toList")!.Query.RootKind);
            Assert.Equal("Post", Host.RoundTrip("toList")!.Query.EntityType!.Name);
            Assert.Equal(QueryRootKind.SetMethod, Host.RoundTrip("anyAsync")!.Query.RootKind);
            Assert.Equal("Blog", Host.RoundTrip("anyAsync")!.Query.EntityType!.Name);
            Assert.Equal(QueryRootKind.RawSql, Host.RoundTrip("fromSql")!.Query.RootKind);
            Assert.Equal(QueryRootKind.RawSql, Host.RoundTrip("sqlQuery")!.Query.RootKind);
            Assert.Equal(QueryRootKind.NavigationQuery, Host.RoundTrip("queryLoad")!.Query.RootKind);
            Assert.Equal("db", Host.RoundTrip("toList")!.Query.Context!.Syntax.ToString());
        }

        [Fact]
        public void Client_side_operators_are_marked()
        {
            var chain = Host.RoundTrip("clientSide")!.Query;
            Assert.Equal(new[] { "AsEnumerable", "Where" }, chain.Operators.Select(o => o.Name));
            Assert.All(chain.Operators, o => Assert.True(o.IsClientSide));
            Assert.False(Host.RoundTrip("count")!.Query.Operators.Single().IsClientSide);
        }

        [Fact]
        public void Materialized_lists_remember_their_query()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.ToList();
                        posts.Where(p => p.Views > 3).Count/*count*/();
                    }
                }
                """);
            var count = host.Invocation("count");
            var chain = host.Ef!.Queries.Build(count.Arguments[0].Value);
            Assert.False(chain.IsEfQuery);
            Assert.Equal("ToList", chain.MaterializedBy!.TargetMethod.Name);
        }

        [Fact]
        public void Foreach_over_a_query_is_a_round_trip_and_over_a_list_is_not()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    async Task M(BlogContext db, List<Post> list)
                    {
                        /*q*/foreach (var p in db.Posts.Where(p => p.IsPublished)) { }
                        /*a*/await foreach (var p in db.Posts.AsAsyncEnumerable()) { }
                        /*b*/await foreach (var p in db.Posts.Where(p => p.Views > 1).AsAsyncEnumerable()) { }
                        /*l*/foreach (var p in list) { }
                    }
                }
                """);
            Assert.True(host.Ef!.TryGetRoundTrip(host.ForEach("q"), out var query));
            Assert.Equal(RoundTripKind.Enumeration, query.Kind);
            Assert.True(host.Ef.TryGetRoundTrip(host.ForEach("a"), out var asyncQuery));
            Assert.True(asyncQuery.IsAsync);
            Assert.True(host.Ef.TryGetRoundTrip(host.ForEach("b"), out var asyncWhere));
            Assert.Equal(QueryRootKind.DbSet, asyncWhere.Query.RootKind);
            Assert.False(host.Ef.TryGetRoundTrip(host.ForEach("l"), out _));
        }

        [Fact]
        public void Nothing_is_created_without_ef_core()
        {
            var host = EfCoreTestHost.Create("class C { }", EfVersion.None);
            Assert.Null(host.Ef);
        }

        [Fact]
        public void Works_on_ef_core_8()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    void M(BlogContext db)
                    {
                        db.Posts.Where(p => p.Views > 1).ExecuteUpdate/*u*/(s => s.SetProperty(p => p.Views, p => p.Views + 1));
                        db.Posts.ToList/*l*/();
                    }
                }
                """, EfVersion.Ef8);
            Assert.Equal(8, host.Ef!.Symbols.EfMajorVersion);
            Assert.Equal(RoundTripKind.BulkUpdate, host.RoundTrip("u")!.Kind);
            Assert.Equal(RoundTripKind.Query, host.RoundTrip("l")!.Kind);
        }
    }
}
