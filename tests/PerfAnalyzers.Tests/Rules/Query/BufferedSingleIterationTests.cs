using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.BufferedSingleIterationAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.BufferedSingleIterationFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class BufferedSingleIterationTests
    {
        private const string Async = "await foreach over AsAsyncEnumerable()";
        private const string Sync = "foreach over AsEnumerable()";

        [Fact]
        public async Task Reports_a_loop_over_an_awaited_no_tracking_list_and_streams_it()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var words = 0;
                        foreach (var post in await db.Posts.AsNoTracking().{|#0:ToListAsync|}(ct))
                        {
                            words += post.Content.Split(' ').Length;
                        }

                        return words;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var words = 0;
                        await foreach (var post in db.Posts.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
                        {
                            words += post.Content.Split(' ').Length;
                        }

                        return words;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP313").WithLocation(0).WithArguments("ToListAsync", "Post", Async));
        }

        [Fact]
        public async Task Reports_a_sync_projection_to_a_dto_and_a_multi_line_chain_with_ConfigureAwait()
        {
            var source = """
                record Row(int Id, string Title);

                class C
                {
                    long Sync(BlogContext db)
                    {
                        long total = 0;
                        foreach (var row in db.Posts.Select(p => new Row(p.Id, p.Title)).{|#0:ToList|}())
                            total += row.Title.Length;
                        return total;
                    }

                    async Task<long> Async(BlogContext db)
                    {
                        long total = 0;
                        foreach (var (id, views) in await db.Posts
                            .Select(p => new { p.Id, p.Views })
                            .Select(p => new Tuple<int, int>(p.Id, p.Views))
                            .{|#1:ToArrayAsync|}()
                            .ConfigureAwait(false))
                        {
                            total += id + views;
                        }

                        return total;
                    }
                }

                static class TupleExtensions
                {
                    public static void Deconstruct(this Tuple<int, int> t, out int a, out int b) { a = t.Item1; b = t.Item2; }
                }
                """;
            var fixedSource = """
                record Row(int Id, string Title);

                class C
                {
                    long Sync(BlogContext db)
                    {
                        long total = 0;
                        foreach (var row in db.Posts.Select(p => new Row(p.Id, p.Title)).AsEnumerable())
                            total += row.Title.Length;
                        return total;
                    }

                    async Task<long> Async(BlogContext db)
                    {
                        long total = 0;
                        await foreach (var (id, views) in db.Posts
                            .Select(p => new { p.Id, p.Views })
                            .Select(p => new Tuple<int, int>(p.Id, p.Views))
                            .AsAsyncEnumerable().ConfigureAwait(false))
                        {
                            total += id + views;
                        }

                        return total;
                    }
                }

                static class TupleExtensions
                {
                    public static void Deconstruct(this Tuple<int, int> t, out int a, out int b) { a = t.Item1; b = t.Item2; }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP313").WithLocation(0).WithArguments("ToList", "Post", Sync),
                VerifyCS.Diagnostic("EFP313").WithLocation(1).WithArguments("ToArrayAsync", "Post", Async));
        }

        [Fact]
        public async Task Reports_a_list_local_read_only_by_the_loop_and_removes_it()
        {
            var source = """
                class C
                {
                    async Task<Dictionary<int, int>> M(BlogContext db, CancellationToken ct)
                    {
                        var viewsPerBlog = new Dictionary<int, int>();

                        // every post's views
                        List<Post> posts = await db.Posts.AsNoTracking().{|#0:ToListAsync|}(ct);
                        foreach (var post in posts)
                        {
                            viewsPerBlog[post.BlogId] = viewsPerBlog.GetValueOrDefault(post.BlogId) + post.Views;
                        }

                        return viewsPerBlog;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<Dictionary<int, int>> M(BlogContext db, CancellationToken ct)
                    {
                        var viewsPerBlog = new Dictionary<int, int>();

                        // every post's views
                        await foreach (var post in db.Posts.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
                        {
                            viewsPerBlog[post.BlogId] = viewsPerBlog.GetValueOrDefault(post.BlogId) + post.Views;
                        }

                        return viewsPerBlog;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP313").WithLocation(0).WithArguments("ToListAsync", "Post", Async));
        }

        [Fact]
        public async Task Reports_on_a_context_configured_no_tracking_and_on_EF8()
        {
            var source = """
                class ReadContext : DbContext
                {
                    public DbSet<Post> Posts { get; set; }
                    protected override void OnConfiguring(DbContextOptionsBuilder options)
                        => options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
                }

                class C
                {
                    void M(ReadContext db)
                    {
                        foreach (var post in db.Posts.{|#0:ToList|}())
                        {
                            Console.WriteLine(post.Title);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP313").WithLocation(0).WithArguments("ToList", "Post", Sync));
        }

        [Fact]
        public async Task Silent_when_the_rows_are_tracked()
        {
            var source = """
                record Pair(Post Post, int Views);

                class C
                {
                    async Task M(BlogContext db)
                    {
                        // Tracking: the change tracker keeps every entity anyway.
                        foreach (var post in await db.Posts.ToListAsync()) { Console.WriteLine(post.Title); }
                        foreach (var post in await db.Posts.AsNoTracking().AsTracking().ToListAsync()) { Console.WriteLine(post.Title); }
                        // Identity resolution keeps every entity of the query until the enumeration ends.
                        foreach (var post in await db.Posts.AsNoTrackingWithIdentityResolution().ToListAsync()) { Console.WriteLine(post.Title); }
                        // A projection that holds entities tracks them.
                        foreach (var pair in await db.Posts.Select(p => new Pair(p, p.Views)).ToListAsync()) { Console.WriteLine(pair.Views); }
                        foreach (var pair in await db.Posts.Select(p => new { p.Blog, p.Views }).ToListAsync()) { Console.WriteLine(pair.Views); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_query_is_bounded()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, int blogId)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().Where(p => p.BlogId == blogId).ToListAsync()) { Console.WriteLine(p.Title); }
                        foreach (var p in await db.Posts.AsNoTracking().OrderBy(p => p.Id).Take(100).ToListAsync()) { Console.WriteLine(p.Title); }
                        foreach (var p in await db.Posts.AsNoTracking().OrderBy(p => p.Id).Skip(100).ToListAsync()) { Console.WriteLine(p.Title); }
                        foreach (var g in await db.Posts.GroupBy(p => p.BlogId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync()) { Console.WriteLine(g.Count); }
                        foreach (var id in await db.Posts.Select(p => p.BlogId).Distinct().ToListAsync()) { Console.WriteLine(id); }
                        // A split query: without MARS, EF Core buffers the related rows anyway.
                        foreach (var p in await db.Blogs.AsNoTracking().Include(b => b.Posts).AsSplitQuery().ToListAsync()) { Console.WriteLine(p.Posts.Count); }
                        // Tags never grow with use (no parent, no timestamp, never added here).
                        foreach (var t in await db.Tags.AsNoTracking().ToListAsync()) { Console.WriteLine(t.Label); }
                        // Raw SQL has its own bounds.
                        foreach (var p in await db.Posts.FromSqlRaw("SELECT * FROM Posts").AsNoTracking().ToListAsync()) { Console.WriteLine(p.Title); }
                        // A sequence already in memory.
                        var local = new List<Post>();
                        foreach (var p in local.ToList()) { Console.WriteLine(p.Title); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_list_is_used_besides_the_loop_or_not_right_before_it()
        {
            var source = """
                class C
                {
                    async Task<int> Counted(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        foreach (var p in posts) { Console.WriteLine(p.Title); }
                        return posts.Count;
                    }

                    async Task<List<Post>> Returned(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        foreach (var p in posts) { Console.WriteLine(p.Title); }
                        return posts;
                    }

                    async Task Twice(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        foreach (var p in posts) { Console.WriteLine(p.Title); }
                        foreach (var p in posts) { Console.WriteLine(p.Views); }
                    }

                    async Task Between(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        Console.WriteLine("loaded");
                        foreach (var p in posts) { Console.WriteLine(p.Title); }
                    }

                    async Task Reassigned(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        foreach (var p in posts) { Console.WriteLine(p.Title); }
                        posts = new List<Post>();
                    }

                    async Task Index(BlogContext db)
                    {
                        var posts = await db.Posts.AsNoTracking().ToListAsync();
                        foreach (var p in posts) { Console.WriteLine(posts[0].Title + p.Title); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_body_uses_the_database_awaits_or_leaves_early()
        {
            var source = """
                class Repository
                {
                    private readonly BlogContext _db;
                    public Repository(BlogContext db) => _db = db;
                    public int CountComments(int postId) => _db.Comments.Count(c => c.PostId == postId);
                }

                class C
                {
                    void Query(BlogContext db)
                    {
                        foreach (var p in db.Posts.AsNoTracking().ToList()) { Console.WriteLine(db.Comments.Count(c => c.PostId == p.Id)); }
                    }

                    void Save(BlogContext db)
                    {
                        foreach (var p in db.Posts.AsNoTracking().ToList()) { db.Comments.Add(new Comment { PostId = p.Id }); }
                        db.SaveChanges();
                    }

                    void ThroughCall(BlogContext db, Repository repository)
                    {
                        foreach (var p in db.Posts.AsNoTracking().ToList()) { Console.WriteLine(repository.CountComments(p.Id)); }
                    }

                    async Task Awaits(BlogContext db, System.Net.Http.HttpClient http)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { await http.GetAsync("https://example.com/" + p.Id); }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { await Task.Delay(10); }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { http.GetAsync("https://example.com/" + p.Id).Wait(); }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { Console.WriteLine(http.GetStringAsync("https://example.com/" + p.Id).Result); }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { http.GetAsync("https://example.com/").GetAwaiter().GetResult(); }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { Thread.Sleep(p.Views); }
                    }

                    async Task<Post?> Breaks(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { if (p.Views > 10) break; }
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { if (p.Views > 10) return p; }
                        return null;
                    }

                    async Task LazyLoads(LazyContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { Console.WriteLine(p.Blog.Name); }
                    }

                    async IAsyncEnumerable<string> Iterator(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { yield return p.Title; }
                    }
                }

                class LazyContext : DbContext
                {
                    public DbSet<Post> Posts { get; set; }
                    protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseLazyLoadingProxies();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_body_copies_each_row_into_a_collection_that_outlives_the_loop()
        {
            var source = """
                class C
                {
                    private readonly HashSet<int> _seen = new();

                    async Task<Dictionary<int, int>> ToDictionary(BlogContext db)
                    {
                        var blogOfPost = new Dictionary<int, int>();
                        var posts = await db.Posts.Select(p => new { p.Id, p.BlogId }).ToListAsync();
                        foreach (var p in posts)
                        {
                            blogOfPost.Add(p.Id, p.BlogId);
                        }

                        return blogOfPost;
                    }

                    async Task<List<string>> Mapped(BlogContext db)
                    {
                        var titles = new List<string>();
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { titles.Add(p.Title.ToUpperInvariant()); }
                        return titles;
                    }

                    async Task Field(BlogContext db)
                    {
                        foreach (var id in await db.Posts.Select(p => p.Id).ToListAsync()) { _seen.Add(id); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_body_inserts_each_row_into_a_list_that_outlives_the_loop()
        {
            // InsertRange puts elements into a list as AddRange does (CollectionMethods.AddsElements, EFP102's collection
            // writes too); this rule's own name list had AddRange and Insert but not InsertRange.
            var source = """
                class C
                {
                    async Task<List<string>> Newest(BlogContext db)
                    {
                        var titles = new List<string>();
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { titles.InsertRange(0, new[] { p.Title }); }
                        return titles;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_when_the_body_only_breaks_or_returns_inside_itself()
        {
            var source = """
                class C
                {
                    private static readonly HashSet<string> Words = new();

                    async Task M(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().{|#0:ToListAsync|}())
                        {
                            foreach (var word in p.Content.Split(' ')) { if (word.Length > 10) break; }
                            switch (p.Views) { case 0: break; default: Console.WriteLine(p.Views); break; }
                            var longest = p.Content.Split(' ').Select(w => { return w.Length; }).Max();
                            if (longest == 0) continue;
                            var perRow = new List<int>();
                            perRow.Add(longest);
                            foreach (var word in p.Title.Split(' ')) { Words.Add(word); }
                            Console.WriteLine(longest);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP313").WithLocation(0).WithArguments("ToListAsync", "Post", Async));
        }

        [Fact]
        public async Task Silent_in_tests_and_setup_code()
        {
            var source = """
                public class PostTests
                {
                    [Xunit.Fact]
                    public async Task Reads(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { Console.WriteLine(p.Title); }
                    }
                }

                class DatabaseSeeder
                {
                    public async Task SeedAsync(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().ToListAsync()) { Console.WriteLine(p.Title); }
                    }
                }

                namespace Xunit { public class FactAttribute : System.Attribute { } }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                class C { void M(int[] a) { foreach (var x in a.ToList()) Console.WriteLine(x); } }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        foreach (var p in await db.Posts.AsNoTracking().Select(p => p.Missing).ToListAsync()) { Console.WriteLine(p); }
                        foreach (var p in await db.Nope.AsNoTracking().ToListAsync()) { Console.WriteLine(p); }
                        var list = await db.Posts.AsNoTracking().ToListAsync(
                        foreach (var p in list) { Console.
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.BufferedSingleIterationAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
