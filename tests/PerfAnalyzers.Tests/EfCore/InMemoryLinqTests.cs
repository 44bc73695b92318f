using System.Threading.Tasks;
using PerfAnalyzers.EfCore;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using EFP101 = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer>;
using EFP104 = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer>;
using EFP401 = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer>;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// "Is this a query" is decided by types (an IQueryable/DbSet/DbContext the query chain proves), over every value a
    /// local can hold: LINQ to Objects over lists, arrays, materialized results and in-memory AsQueryable() is not a
    /// round trip, for every rule that asks (EFP101, EFP104, EFP401).
    /// </summary>
    public class InMemoryLinqTests
    {
        private const string Catalog = """
            public class Catalog
            {
                private readonly List<Post> _items = new();
                private readonly Post[] _array = Array.Empty<Post>();
                private IQueryable<Post> Items => _array.AsQueryable();
                private IQueryable<Post> All() => _items.AsQueryable().Where(p => p.IsPublished);

                // Issue 9, shape 2: an in-memory sequence reassigned on some paths.
                public Post[] Filter(bool onlyPublished, int minViews)
                {
                    var q = _items.Where(p => p.Views >= minViews);
                    if (onlyPublished) q = q.Where(p => p.IsPublished);
                    return q.ToArray();
                }

                public Post Find(int id)
                {
                    IQueryable<Post> q = _items.AsQueryable();
                    q = q.Where(p => p.IsPublished);
                    return q.FirstOrDefault(p => p.Id == id);
                }

                public int CountOf(int blogId) => All().Count(p => p.BlogId == blogId) + Items.Count(p => p.BlogId == blogId);
            }

            """;

        [Fact]
        public async Task EFP101_is_silent_on_lists_arrays_materialized_and_reassigned_sequences()
        {
            var source = Catalog + """
                public class Page
                {
                    public void Render(BlogContext db, Catalog catalog, List<int> ids, bool f)
                    {
                        // Issue 9, shape 9: FirstOrDefault on a list built by ToList() before the loop.
                        var loaded = db.Posts.Where(p => p.IsPublished).ToList();
                        IEnumerable<Post> cached = db.Posts.ToList();
                        if (f) cached = cached.Where(p => p.Views > 1);
                        var array = loaded.ToArray();
                        IQueryable<Post> local = loaded.AsQueryable();
                        if (f) local = local.Where(p => p.Views > 2);
                        foreach (var id in ids)
                        {
                            var a = loaded.FirstOrDefault(p => p.Id == id);
                            var b = array.FirstOrDefault(p => p.Id == id);
                            var c = cached.FirstOrDefault(p => p.Id == id);
                            var d = local.FirstOrDefault(p => p.Id == id);
                            var e = catalog.Filter(f, id).Length + catalog.CountOf(id);
                        }
                    }
                }
                """;
            await EFP101.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task EFP101_still_reports_reassigned_query_locals()
        {
            var source = """
                public class Page
                {
                    public void Render(BlogContext db, List<int> ids, bool f)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        if (f) q = q.Where(p => p.Views > 1);
                        IEnumerable<Post> e = db.Posts;
                        if (f) e = e.Where(p => p.Views > 2);
                        foreach (var id in ids)
                        {
                            var a = q.{|#0:FirstOrDefault|}(p => p.Id == id);
                            var b = e.{|#1:FirstOrDefault|}(p => p.Id == id);
                        }
                    }
                }
                """;
            await EFP101.VerifyAnalyzerAsync(
                source,
                EFP101.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"),
                EFP101.Diagnostic("EFP101").WithLocation(1).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task EFP104_is_silent_on_calls_to_in_memory_helpers_and_reports_the_query_twin()
        {
            var source = Catalog + """
                public class Posts
                {
                    private readonly BlogContext _db;
                    public Posts(BlogContext db) => _db = db;

                    public Post[] Filter(bool onlyPublished, int minViews)
                    {
                        var q = _db.Posts.Where(p => p.Views >= minViews);
                        if (onlyPublished) q = q.Where(p => p.IsPublished);
                        return q.ToArray();
                    }
                }

                public class Page
                {
                    public void Render(Catalog catalog, Posts posts, List<int> ids, bool f)
                    {
                        foreach (var id in ids)
                        {
                            var a = catalog.Filter(f, id);
                            var b = catalog.Find(id);
                            var c = catalog.CountOf(id);
                            var d = posts.{|#0:Filter|}(f, id);
                        }
                    }
                }
                """;
            await EFP104.VerifyAnalyzerAsync(
                source,
                EFP104.Diagnostic("EFP104").WithLocation(0).WithArguments("Filter", "iteration of this 'foreach' loop", "Posts.Filter -> ToArray"));
        }

        // Cofoundry: a filter extension most callers give an EF query, called once on a loaded entity's collection
        // (dbVersion.Blocks.AsQueryable().FilterActive()...ToArray()): that call runs LINQ to Objects.
        private const string FilterExtensions = """
            public static class PostFilters
            {
                public static IQueryable<Post> FilterPublished(this IQueryable<Post> source) => source.Where(p => p.IsPublished);

                public static IQueryable<Post> Popular(this IQueryable<Post> source, int views)
                {
                    source = source.Where(p => p.Views > views);
                    return source;
                }
            }

            """;

        [Fact]
        public async Task A_query_helper_called_on_an_in_memory_sequence_is_not_a_query()
        {
            var source = FilterExtensions + """
                public class Page
                {
                    public async Task<int> RenderAsync(BlogContext db, List<int> ids)
                    {
                        var blogs = await db.Blogs.Include(b => b.Posts).FilterBlogs().ToListAsync();
                        var count = await db.Posts.FilterPublished().CountAsync();
                        var all = db.Posts.ToList();
                        foreach (var blog in blogs)
                        {
                            var inMemory = blog.Posts.AsQueryable().FilterPublished().Popular(10).ToArray();
                            var loaded = all.AsQueryable().FilterPublished().Count();
                            count += inMemory.Length + loaded;
                        }

                        foreach (var id in ids)
                        {
                            count += db.Posts.FilterPublished().{|#0:Count|}(p => p.BlogId == id);
                        }

                        return count;
                    }
                }

                public static class BlogFilters
                {
                    public static IQueryable<Blog> FilterBlogs(this IQueryable<Blog> source) => source.Where(b => !b.IsArchived);
                }
                """;
            await EFP101.VerifyAnalyzerAsync(
                source,
                EFP101.Diagnostic("EFP101").WithLocation(0).WithArguments("Count", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task A_library_query_helper_called_on_an_in_memory_sequence_is_not_a_query()
        {
            // Cofoundry's real build: WhereNotNull(this IQueryable<T?>) comes from a referenced assembly (no body here).
            var source = """
                public static class LibraryFilters
                {
                    public static extern IQueryable<T> WhereNotNull<T>(this IQueryable<T?> source) where T : class;
                    public static extern IQueryable<T> Using<T>(this IQueryable<T> source, BlogContext db);
                }

                public class Page
                {
                    public async Task<int> RenderAsync(BlogContext db, List<int> ids)
                    {
                        var blogs = await db.Blogs.Include(b => b.Posts).ToListAsync();
                        var count = 0;
                        foreach (var blog in blogs)
                        {
                            count += blog.Posts.AsQueryable().Select(p => p.Title).WhereNotNull().ToArray().Length;
                            count += blog.Posts.AsQueryable().Using(db).{|#0:Count|}();
                        }

                        foreach (var id in ids)
                        {
                            count += db.Posts.Select(p => p.Title).WhereNotNull().{|#1:Count|}();
                        }

                        return count;
                    }
                }
                """;
            await EFP101.VerifyAnalyzerAsync(
                source,
                EFP101.Diagnostic("EFP101").WithLocation(0).WithArguments("Count", "query", "iteration of this 'foreach' loop"),
                EFP101.Diagnostic("EFP101").WithLocation(1).WithArguments("Count", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task EFP401_is_silent_on_a_query_helper_called_on_an_in_memory_sequence()
        {
            var source = FilterExtensions + """
                public class Page
                {
                    public async Task<int> RenderAsync(BlogContext db, Blog blog)
                    {
                        var count = await db.Posts.FilterPublished().Popular(1).CountAsync();
                        return count + blog.Posts.AsQueryable().FilterPublished().Popular(10).Count() + db.Posts.FilterPublished().{|#0:Count|}();
                    }
                }
                """;
            await EFP401.VerifyAnalyzerAsync(
                source,
                EFP401.Diagnostic("EFP401").WithLocation(0).WithArguments("Count", "CountAsync"));
        }

        [Fact]
        public async Task EFP401_is_silent_on_in_memory_linq_in_async_code()
        {
            var source = Catalog + """
                public class Page
                {
                    public async Task<int> RenderAsync(BlogContext db, bool f)
                    {
                        var loaded = await db.Posts.ToListAsync();
                        IEnumerable<Post> e = loaded;
                        if (f) e = e.Where(p => p.Views > 2);
                        IQueryable<Post> q = loaded.AsQueryable();
                        if (f) q = q.OrderBy(p => p.Id);
                        foreach (var p in q) { }
                        return e.Count() + q.Count() + loaded.Count(p => p.IsPublished);
                    }
                }
                """;
            await EFP401.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task In_memory_arrays_in_a_project_without_a_DbContext_are_not_queries()
        {
            var source = """
                using System;
                using System.Collections.Generic;
                using System.Linq;

                public class Item { public int Id { get; set; } }

                public class Registry
                {
                    private readonly Item[] _items = Array.Empty<Item>();
                    private IQueryable<Item> Query => _items.AsQueryable();
                    public Item Get(int id) => Query.FirstOrDefault(i => i.Id == id);

                    public List<Item> Pick(List<int> ids)
                    {
                        var result = new List<Item>();
                        foreach (var id in ids)
                        {
                            result.Add(_items.FirstOrDefault(i => i.Id == id));
                            result.Add(Query.FirstOrDefault(i => i.Id == id));
                            result.Add(Get(id));
                        }

                        return result;
                    }
                }
                """;
            var test101 = new PerfTest<PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>(EfVersion.Ef10, includeModel: false);
            test101.TestState.Sources.Add(source);
            await test101.RunAsync();
            var test104 = new PerfTest<PerfAnalyzers.Rules.Loading.NPlusOneThroughCallAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>(EfVersion.Ef10, includeModel: false);
            test104.TestState.Sources.Add(source);
            await test104.RunAsync();
        }

        [Fact]
        public void The_layer_follows_every_value_a_local_can_hold()
        {
            var host = EfCoreTestHost.Create("""
                class C
                {
                    private readonly List<Post> _items = new();
                    IQueryable<Post> InMemory => _items.AsQueryable();
                    void M(BlogContext db, bool f)
                    {
                        var q = _items.Where(p => p.Views > 1);
                        if (f) q = q.Where(p => p.IsPublished);
                        q.ToArray/*inMemory*/();

                        IEnumerable<Post> mixed = _items;
                        if (f) mixed = db.Posts.Where(p => p.IsPublished);
                        if (f) mixed = mixed.Where(p => p.Views > 2);
                        mixed.ToArray/*mixed*/();

                        InMemory.ToList/*member*/();
                    }
                }
                """);
            Assert.Null(host.RoundTrip("inMemory"));
            Assert.Null(host.RoundTrip("member"));
            var mixed = host.RoundTrip("mixed");
            Assert.NotNull(mixed);
            Assert.Equal(QueryRootKind.DbSet, mixed!.Query.RootKind);
        }
    }
}
