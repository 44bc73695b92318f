using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.ReadOnlyTrackingQueryFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class ReadOnlyTrackingQueryTests
    {
        [Fact]
        public async Task Does_not_report_in_a_test_class()
        {
            var source = """
                namespace TestFramework { public sealed class FactAttribute : System.Attribute { } }

                public class BlogTests
                {
                    [TestFramework.Fact]
                    public List<int> Ids(BlogContext db)
                    {
                        var blogs = db.Blogs.ToList();
                        return blogs.Select(b => b.Id).ToList();
                    }
                }

                public class BlogService
                {
                    public List<int> Ids(BlogContext db)
                    {
                        var blogs = db.Blogs.{|#0:ToList|}();
                        return blogs.Select(b => b.Id).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Blog"));
        }

        [Fact]
        public async Task Fix_puts_AsNoTracking_on_its_own_line_in_a_multi_line_chain()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts
                            .Where(p => p.IsPublished)
                            .OrderBy(p => p.Id)
                            .{|#0:ToListAsync|}(ct);
                        return posts.Sum(p => p.Views + p.Id + p.BlogId + p.Title.Length);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts
                            .AsNoTracking()
                            .Where(p => p.IsPublished)
                            .OrderBy(p => p.Id)
                            .ToListAsync(ct);
                        return posts.Sum(p => p.Views + p.Id + p.BlogId + p.Title.Length);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToListAsync", "Post"));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Reports_and_fixes_a_list_read_in_foreach(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).{|#0:ToListAsync|}(ct).ConfigureAwait(false);
                        var total = 0;
                        foreach (var post in posts)
                        {
                            Console.WriteLine($"{post.Title}: {post.Views} {post.Content.Length}");
                            total += post.Views;
                        }

                        return total + posts.Count(p => p.Views > 10);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.AsNoTracking().Where(p => p.IsPublished).OrderBy(p => p.Id).ToListAsync(ct).ConfigureAwait(false);
                        var total = 0;
                        foreach (var post in posts)
                        {
                            Console.WriteLine($"{post.Title}: {post.Views} {post.Content.Length}");
                            total += post.Views;
                        }

                        return total + posts.Count(p => p.Views > 10);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToListAsync", "Post"));
        }

        [Fact]
        public async Task Reports_First_foreach_over_the_query_and_Set_and_fixes_all_keeping_multi_line_chains()
        {
            var source = """
                class C
                {
                    string M(BlogContext db, int id)
                    {
                        var blog = db.Blogs
                            .Where(b => b.Id == id) // the blog
                            .Include(b => b.Posts)
                            .{|#0:First|}();
                        var text = blog.Name + blog.Posts.Count + string.Join(",", blog.Posts.Select(p => p.Title));
                        foreach (var author in {|#1:db.Set<Author>().OrderBy(a => a.Name)|})
                        {
                            text += author?.Name;
                        }

                        // One row, once, no Include: tracking it costs microseconds, not reported.
                        var comment = db.Comments.SingleOrDefault(c => c.Id == id);
                        return comment == null ? text : text + comment.Text;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    string M(BlogContext db, int id)
                    {
                        var blog = db.Blogs
                            .AsNoTracking()
                            .Where(b => b.Id == id) // the blog
                            .Include(b => b.Posts)
                            .First();
                        var text = blog.Name + blog.Posts.Count + string.Join(",", blog.Posts.Select(p => p.Title));
                        foreach (var author in db.Set<Author>().AsNoTracking().OrderBy(a => a.Name))
                        {
                            text += author?.Name;
                        }

                        // One row, once, no Include: tracking it costs microseconds, not reported.
                        var comment = db.Comments.SingleOrDefault(c => c.Id == id);
                        return comment == null ? text : text + comment.Text;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("First", "Blog"),
                VerifyCS.Diagnostic("EFP302").WithLocation(1).WithArguments("foreach", "Author"));
        }

        [Fact]
        public async Task Queries_in_loops_and_lambdas_and_await_foreach_are_analysed_the_same_way()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, int[] ids)
                    {
                        foreach (var id in ids)
                        {
                            var post = await db.Posts.{|#0:FirstOrDefaultAsync|}(p => p.Id == id);
                            Console.WriteLine(post?.Title);
                        }

                        Func<Task<int>> count = async () =>
                        {
                            var blogs = await db.Blogs.{|#1:ToArrayAsync|}();
                            return blogs.Sum(b => b.Rating) + blogs[0].Id;
                        };
                        await foreach (var tag in {|#2:db.Tags.AsAsyncEnumerable()|})
                        {
                            Console.WriteLine(tag.Label);
                        }

                        Console.WriteLine(await count());
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, int[] ids)
                    {
                        foreach (var id in ids)
                        {
                            var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id);
                            Console.WriteLine(post?.Title);
                        }

                        Func<Task<int>> count = async () =>
                        {
                            var blogs = await db.Blogs.AsNoTracking().ToArrayAsync();
                            return blogs.Sum(b => b.Rating) + blogs[0].Id;
                        };
                        await foreach (var tag in db.Tags.AsNoTracking().AsAsyncEnumerable())
                        {
                            Console.WriteLine(tag.Label);
                        }

                        Console.WriteLine(await count());
                    }
                }
                """;
            // EFP305 (select only the members read) would take precedence on the post and the blogs: switched off here, as a
            // user would, to show that EFP302 then reports them.
            var test = VerifyCS.Create(source, fixedSource);
            test.DisabledDiagnostics.Add("EFP305");
            test.ExpectedDiagnostics.AddRange(new[]
            {
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("FirstOrDefaultAsync", "Post"),
                VerifyCS.Diagnostic("EFP302").WithLocation(1).WithArguments("ToArrayAsync", "Blog"),
                VerifyCS.Diagnostic("EFP302").WithLocation(2).WithArguments("await foreach", "Tag"),
            });
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_where_EFP305_advises_a_projection_and_reports_when_EFP305_is_off()
        {
            // A projection is never tracked: beside "select only the members read" (EFP305), "add AsNoTracking" is moot.
            var source = """
                class C
                {
                    int M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.IsPublished).ToList();
                        return posts.Sum(p => p.Views);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);

            var off = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer>.Create(source.Replace(".ToList()", ".{|#0:ToList|}()"));
            off.DisabledDiagnostics.Add("EFP305");
            off.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"));
            await off.RunAsync();
        }

        [Fact]
        public async Task An_entity_captured_by_a_later_query_filter_is_only_read()
        {
            // Real code (a feed handler): the user is looked up, then only its key and included follow list feed a filter.
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, string name, CancellationToken ct)
                    {
                        var author = await db.Authors.Include(a => a.Posts).{|#0:FirstOrDefaultAsync|}(a => a.Name == name, ct);
                        if (author is null)
                        {
                            return 0;
                        }

                        var query = db.Comments.Where(c => c.Post.Author == author || author.Posts.Select(p => p.Id).Contains(c.PostId));
                        return await query.CountAsync(ct);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, string name, CancellationToken ct)
                    {
                        var author = await db.Authors.AsNoTracking().Include(a => a.Posts).FirstOrDefaultAsync(a => a.Name == name, ct);
                        if (author is null)
                        {
                            return 0;
                        }

                        var query = db.Comments.Where(c => c.Post.Author == author || author.Posts.Select(p => p.Id).Contains(c.PostId));
                        return await query.CountAsync(ct);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("FirstOrDefaultAsync", "Author"));
        }

        [Fact]
        public async Task Root_in_a_local_reports_without_a_fix()
        {
            var source = """
                class C
                {
                    int M(BlogContext db, bool published)
                    {
                        var query = db.Posts.Where(p => p.Views > 0);
                        if (published)
                        {
                            query = query.Where(p => p.IsPublished);
                        }

                        var posts = query.{|#0:ToList|}();
                        return posts.Sum(p => p.Views + p.Id + p.BlogId + p.Title.Length);
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"));
            test.FixedState.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_adds_the_ef_using_when_missing()
        {
            const string model = """
                public class Item { public int Id { get; set; } public string Name { get; set; } }
                public class ItemContext : Microsoft.EntityFrameworkCore.DbContext
                {
                    public Microsoft.EntityFrameworkCore.DbSet<Item> Items { get; set; }
                }
                """;
            var test = new PerfTest<PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer, PerfAnalyzers.CodeFixes.Rules.Query.ReadOnlyTrackingQueryFixer>(EfVersion.Ef10, includeModel: false);
            test.TestState.Sources.Add(("/0/Model.cs", model));
            test.TestState.Sources.Add("""
                using System.Linq;

                class C
                {
                    string M(ItemContext db) => db.Items.Where(i => i.Id > 1).{|EFP302:ToList|}()[0].Name;
                }
                """);
            test.FixedState.Sources.Add(("/0/Model.cs", model));
            test.FixedState.Sources.Add("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                class C
                {
                    string M(ItemContext db) => db.Items.AsNoTracking().Where(i => i.Id > 1).ToList()[0].Name;
                }
                """);
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_adds_the_ef_using_in_sorted_place()
        {
            const string model = """
                namespace Shop
                {
                    public class Item { public int Id { get; set; } public string Name { get; set; } }
                    public class ItemContext : Microsoft.EntityFrameworkCore.DbContext
                    {
                        public Microsoft.EntityFrameworkCore.DbSet<Item> Items { get; set; }
                    }
                }
                """;
            var test = new PerfTest<PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer, PerfAnalyzers.CodeFixes.Rules.Query.ReadOnlyTrackingQueryFixer>(EfVersion.Ef10, includeModel: false);
            test.TestState.Sources.Add(("/0/Model.cs", model));
            test.TestState.Sources.Add("""
                using System.Linq;
                using Shop;

                class C
                {
                    string M(ItemContext db) => db.Items.Where(i => i.Id > 1).{|EFP302:ToList|}()[0].Name;
                }
                """);
            test.FixedState.Sources.Add(("/0/Model.cs", model));
            test.FixedState.Sources.Add("""
                using System.Linq;
                using Microsoft.EntityFrameworkCore;
                using Shop;

                class C
                {
                    string M(ItemContext db) => db.Items.AsNoTracking().Where(i => i.Id > 1).ToList()[0].Name;
                }
                """);
            await test.RunAsync();
        }

        [Theory]
        [InlineData("foreach (var p in posts) { p.Title = p.Title.Trim(); }")] // modified
        [InlineData("posts[0].Views++;")]
        [InlineData("posts[0].Views += 2;")]
        [InlineData("foreach (var p in posts) { p.Blog.Name = \"x\"; }")] // modified through a navigation
        [InlineData("foreach (var p in posts) { p.Comments.Add(new Comment()); }")] // navigation collection modified
        [InlineData("foreach (var p in posts) { p.Comments.Clear(); }")]
        [InlineData("Use(posts[0]);")] // passed to a method
        [InlineData("foreach (var p in posts) { db.Update(p); }")]
        [InlineData("db.Posts.RemoveRange(posts);")]
        [InlineData("db.Entry(posts[0]).State = EntityState.Modified;")]
        [InlineData("_cache = posts;")] // stored
        [InlineData("_post = posts.First();")]
        [InlineData("var holder = new { Post = posts[0] }; Console.WriteLine(holder.Post.Title);")] // captured in an object
        [InlineData("Console.WriteLine(posts[0].Title); db.SaveChanges();")] // saves
        [InlineData("Console.WriteLine(posts.Count); Console.WriteLine(db.ChangeTracker.HasChanges());")] // looks at the tracker
        [InlineData("Console.WriteLine(posts.Select(Describe).First());")] // method group receives the entities
        [InlineData("posts.ForEach(p => p.Views = 0);")]
        [InlineData("var byId = posts.ToDictionary(p => p.Id); Use(byId[1]);")] // not followed
        [InlineData("foreach (var p in posts) { Console.WriteLine(p.Author.Name); }")] // navigation not loaded: fix-up from the tracker would be lost
        [InlineData("var p = posts[0]; p = null; Console.WriteLine(p);")]
        public async Task Does_not_report_when_the_entities_are_modified_or_passed_on(string uses)
        {
            var source = $$"""
                class C
                {
                    private List<Post> _cache = new();
                    private Post _post;
                    void Use(Post p) { }
                    static string Describe(Post p) => p.Title;
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Include(p => p.Blog).Include(p => p.Comments).Where(p => p.IsPublished).ToList();
                        {{uses}}
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Theory]
        [InlineData("return posts;")]
        [InlineData("return posts.Where(p => p.Views > 1).ToList();")]
        [InlineData("return posts.OrderBy(p => p.Id).First() is { } first ? new List<Post> { first } : null;")]
        public async Task Does_not_report_returned_entities(string uses)
        {
            var source = $$"""
                class C
                {
                    List<Post> M(BlogContext db)
                    {
                        var posts = db.Posts.ToList();
                        {{uses}}
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Does_not_report_queries_that_choose_tracking_projections_aggregates_Find_or_expression_trees()
        {
            var source = """
                using System.Linq.Expressions;
                class C
                {
                    async Task M(BlogContext db, int id)
                    {
                        Console.WriteLine(db.Posts.AsNoTracking().ToList().Count);
                        Console.WriteLine(db.Posts.AsNoTrackingWithIdentityResolution().ToList()[0].Title);
                        Console.WriteLine(db.Posts.AsTracking().ToList()[0].Title);
                        Console.WriteLine(db.Posts.Select(p => new { p.Title }).ToList()[0].Title);
                        Console.WriteLine(db.Posts.Select(p => p.Title).First());
                        Console.WriteLine(db.Posts.Count() + db.Posts.Sum(p => p.Views));
                        Console.WriteLine(await db.Posts.AnyAsync(p => p.Views > 1));
                        Console.WriteLine(db.Posts.Find(id)?.Title);
                        Expression<Func<BlogContext, string>> e = c => c.Posts.ToList()[0].Title;
                        Console.WriteLine(db.Database.SqlQueryRaw<int>("SELECT 1").ToList().Count);
                        Console.WriteLine(db.Posts.FromSqlRaw("SELECT * FROM Posts").ToList().Count);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Theory]
        [InlineData("protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);", "")]
        [InlineData("public ReadContext() { ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking; }", "")]
        [InlineData("", "static void Configure(IServiceCollection services) => services.AddDbContext<ReadContext>(o => o.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTrackingWithIdentityResolution));")]
        [InlineData("", "static DbContextOptions<ReadContext> Options() => new DbContextOptionsBuilder<ReadContext>().UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).Options;")]
        [InlineData("", "static void Configure(DbContextOptionsBuilder builder) => builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);")] // unattributed: every context
        [InlineData("", "static void Configure(ReadContext db) => db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;")]
        public async Task Does_not_report_when_the_context_is_no_tracking_by_configuration(string contextMember, string elsewhere)
        {
            var source = $$"""
                using Microsoft.Extensions.DependencyInjection;

                public class ReadContext : DbContext
                {
                    {{contextMember}}
                    public DbSet<Post> Posts { get; set; }
                }

                class C
                {
                    {{elsewhere}}
                    string M(ReadContext db) => db.Posts.ToList()[0].Title;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Configuration_of_another_context_or_track_all_does_not_silence_the_rule()
        {
            var source = """
                public class ReadContext : DbContext
                {
                    public ReadContext() { ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking; }
                    public DbSet<Post> Posts { get; set; }
                }

                public class WriteContext : DbContext
                {
                    protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseQueryTrackingBehavior(QueryTrackingBehavior.TrackAll);
                    public DbSet<Post> Posts { get; set; }
                }

                class C
                {
                    string M(ReadContext read, WriteContext write) => read.Posts.ToList()[0].Title + write.Posts.{|#0:ToList|}()[0].Title;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"));
        }

        [Fact]
        public async Task Reports_and_fixes_queries_whose_root_arrives_as_a_parameter()
        {
            var source = """
                class C
                {
                    static int Total(DbSet<Post> posts) => posts.Where(p => p.IsPublished).{|#0:ToList|}().Sum(p => p.Views);

                    static int Titles(IQueryable<Post> query) => query.{|#1:ToList|}().Sum(p => p.Title.Length);

                    void Callers(BlogContext db)
                    {
                        Console.WriteLine(Total(db.Posts) + Titles(db.Posts.Where(p => p.Views > 10)));
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    static int Total(DbSet<Post> posts) => posts.AsNoTracking().Where(p => p.IsPublished).ToList().Sum(p => p.Views);

                    static int Titles(IQueryable<Post> query) => query.AsNoTracking().ToList().Sum(p => p.Title.Length);

                    void Callers(BlogContext db)
                    {
                        Console.WriteLine(Total(db.Posts) + Titles(db.Posts.Where(p => p.Views > 10)));
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"),
                VerifyCS.Diagnostic("EFP302").WithLocation(1).WithArguments("ToList", "Post"));
        }

        [Fact]
        public async Task Does_not_report_a_parameter_that_is_not_known_to_be_a_tracking_EF_query()
        {
            var source = """
                class C
                {
                    static int InMemory(IQueryable<Post> query) => query.ToList().Sum(p => p.Views);
                    static int Sequence(IEnumerable<Post> posts) => posts.ToList().Sum(p => p.Views);
                    static int NoTracking(IQueryable<Post> query) => query.ToList().Sum(p => p.Views);
                    static int Mixed(IQueryable<Post> query) => query.ToList().Sum(p => p.Views);
                    public static int NoCaller(IQueryable<Post> query) => query.ToList().Sum(p => p.Views);

                    void Callers(BlogContext db, List<Post> list)
                    {
                        Console.WriteLine(InMemory(list.AsQueryable()) + Sequence(db.Posts) + Mixed(list.AsQueryable()) + Mixed(db.Posts));
                        Console.WriteLine(NoTracking(db.Posts.AsNoTracking()) + NoTracking(db.Posts));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task One_row_read_once_is_not_reported_with_included_collections_or_per_iteration_it_is()
        {
            // Moonlight, Bitwarden: a tracked First/Single of one row costs an identity-map entry and a snapshot, microseconds
            // next to its round trip. A row with an included collection (a node and all its allocations) tracks hundreds of
            // entities, and one row per iteration adds up like a list.
            var source = """
                class C
                {
                    async Task<string> M(BlogContext db, int id, int[] ids)
                    {
                        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id);
                        var last = db.Posts.OrderBy(p => p.Id).Last();
                        var blog = await db.Blogs.Include(b => b.Posts).{|#0:SingleAsync|}(b => b.Id == id);
                        var text = post?.Title + last.Title + blog.Posts.Count;
                        foreach (var each in ids)
                        {
                            text += db.Comments.{|#1:First|}(c => c.Id == each).Text;
                        }

                        return text;
                    }
                }
                """;
            var fixedSource = source
                .Replace("db.Blogs.Include(b => b.Posts).{|#0:SingleAsync|}", "db.Blogs.AsNoTracking().Include(b => b.Posts).SingleAsync")
                .Replace("db.Comments.{|#1:First|}", "db.Comments.AsNoTracking().First");
            var test = VerifyCS.Create(source, fixedSource);
            test.DisabledDiagnostics.Add("EFP305");
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("SingleAsync", "Blog"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(1).WithArguments("First", "Comment"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Does_not_report_a_query_from_another_member()
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db = new();
                    IQueryable<Post> Published => _db.Posts.Where(p => p.IsPublished);
                    string M() => Published.ToList()[0].Title;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Does_not_report_a_query_the_method_also_hands_to_other_code()
        {
            // Moonlight: a grid's loader enumerates its query to fill a cache, then returns the query to the grid, which edits
            // the rows; the other loaders store it, pass it on, or return one built from it. A query local that only this
            // method runs still reports.
            var source = """
                class C
                {
                    private IQueryable<Post>? _current;
                    private readonly Dictionary<int, int> _views = new();

                    IEnumerable<Post> Loader(BlogContext db, int blogId)
                    {
                        var result = db.Posts.Where(p => p.BlogId == blogId);
                        foreach (var post in result)
                        {
                            _views[post.Id] = post.Views;
                        }

                        return result;
                    }

                    void Stored(BlogContext db, int blogId)
                    {
                        var result = db.Posts.Where(p => p.BlogId == blogId);
                        _views[0] = result.ToList().Sum(p => p.Views);
                        _current = result;
                    }

                    void PassedOn(BlogContext db, int blogId)
                    {
                        var result = db.Posts.Where(p => p.BlogId == blogId);
                        var posts = result.ToList();
                        _views[0] = posts.Count;
                        Show(result);
                    }

                    IQueryable<Post> Derived(BlogContext db, int blogId)
                    {
                        var result = db.Posts.Where(p => p.BlogId == blogId);
                        foreach (var post in result)
                        {
                            _views[post.Id] = post.Views;
                        }

                        var page = result.OrderBy(p => p.Id).Take(10);
                        return page;
                    }

                    int OnlyHere(BlogContext db, int blogId)
                    {
                        var result = db.Posts.Where(p => p.BlogId == blogId);
                        foreach (var post in {|#0:result|})
                        {
                            _views[post.Id] = post.Views;
                        }

                        return result.Count();
                    }

                    void Show(IQueryable<Post> posts) { }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("foreach", "Post"));
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                using System.Linq;
                class C { int M(int[] a) { var l = a.ToList(); foreach (var x in a) { } return l[0]; } }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.).ToList();
                        foreach (var p in posts) { Console.WriteLine(p.Missing + p.); }
                        foreach (var q in db.Missing) { q.X = 1; }
                        var one = db.Set<>().First();
                        var two = db.Posts.{|#0:ToList|}(
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            // The half-typed call is still a query whose (unused) result is only read.
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"));
            await test.RunAsync();
        }
    }
}
