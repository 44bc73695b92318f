using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.WholeEntityProjectionFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class WholeEntityProjectionTests
    {
        [Fact]
        public async Task Does_not_report_in_a_test_class()
        {
            // BTCPay Server's DatabaseTests: SingleAsync of a row the test wrote, then asserts on one column (6 findings).
            var source = """
                namespace TestFramework { public sealed class FactAttribute : System.Attribute { } }

                public class PostTests
                {
                    [TestFramework.Fact]
                    public async Task Views_are_counted(BlogContext db)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).ToListAsync();
                        System.Console.WriteLine(posts.Sum(p => p.Views));
                    }
                }

                public class PostService
                {
                    public async Task<int> Views(BlogContext db)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).{|#0:ToListAsync|}();
                        return posts.Sum(p => p.Views);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToListAsync", "Post", "'Views'"));
        }

        [Fact]
        public async Task Reports_and_fixes_a_list_read_through_foreach()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Take(50).{|#0:ToListAsync|}(ct);
                        var total = 0;
                        foreach (var post in posts)
                        {
                            Console.WriteLine($"{post.Title}: {post.Views}");
                            total += post.Views;
                        }

                        return total + posts.Count;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Take(50).Select(p => new { p.Title, p.Views }).ToListAsync(ct);
                        var total = 0;
                        foreach (var post in posts)
                        {
                            Console.WriteLine($"{post.Title}: {post.Views}");
                            total += post.Views;
                        }

                        return total + posts.Count;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToListAsync", "Post", "'Title', 'Views'"));
        }

        [Fact]
        public async Task Lambdas_indexing_and_a_single_row_count_as_member_reads_and_Fix_All_fixes_both()
        {
            var source = """
                class C
                {
                    string M(BlogContext db, int blogId)
                    {
                        var x = 1;
                        var posts = db.Posts.Where(p => p.BlogId == blogId).{|#0:ToList|}();
                        var titles = string.Join(", ", posts.Where(p => p.Views > 10).Select(p => p.Title));
                        var first = posts.Count > 0 ? posts[0].Title : "";
                        var blog = db.Posts.Where(b => b.Id == blogId)
                            .{|#1:FirstOrDefault|}();
                        if (blog == null)
                        {
                            return "";
                        }

                        return blog.Title + titles + first + x;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    string M(BlogContext db, int blogId)
                    {
                        var x = 1;
                        var posts = db.Posts.Where(p => p.BlogId == blogId).Select(p => new { p.Views, p.Title }).ToList();
                        var titles = string.Join(", ", posts.Where(p => p.Views > 10).Select(p => p.Title));
                        var first = posts.Count > 0 ? posts[0].Title : "";
                        var blog = db.Posts.Where(b => b.Id == blogId).Select(b => new { b.Title })
                            .FirstOrDefault();
                        if (blog == null)
                        {
                            return "";
                        }

                        return blog.Title + titles + first + x;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Post", "'Views', 'Title'"),
                VerifyCS.Diagnostic("EFP305").WithLocation(1).WithArguments("FirstOrDefault", "Post", "'Title'"));
        }

        [Fact]
        public async Task LastOrDefault_is_a_single_row_as_for_EFP302()
        {
            // One answer with EFP302 (issue 13): First, Single and Last (and OrDefault) are the single-row terminals both
            // rules follow. EFP305 used to leave Last/LastOrDefault alone.
            var source = """
                class C
                {
                    string M(BlogContext db, int blogId)
                    {
                        var last = db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).{|#0:LastOrDefault|}();
                        return last == null ? "" : last.Title;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    string M(BlogContext db, int blogId)
                    {
                        var last = db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).Select(p => new { p.Title }).LastOrDefault();
                        return last == null ? "" : last.Title;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("LastOrDefault", "Post", "'Title'"));
        }

        [Fact]
        public async Task Reports_and_fixes_a_DbSet_that_arrives_as_a_parameter()
        {
            var source = """
                class C
                {
                    static async Task<int> Total(DbSet<Post> posts, CancellationToken ct)
                    {
                        var list = await posts.Where(p => p.IsPublished).{|#0:ToListAsync|}(ct);
                        return list.Sum(p => p.Views);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    static async Task<int> Total(DbSet<Post> posts, CancellationToken ct)
                    {
                        var list = await posts.Where(p => p.IsPublished).Select(p => new { p.Views }).ToListAsync(ct);
                        return list.Sum(p => p.Views);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToListAsync", "Post", "'Views'"));
        }

        [Fact]
        public async Task Does_not_report_a_parameter_over_an_in_memory_sequence()
        {
            var source = """
                class C
                {
                    static int InMemory(IQueryable<Post> query) => query.ToList().Sum(p => p.Views);
                    static int Sequence(IEnumerable<Post> posts) => posts.ToList().Sum(p => p.Views);

                    void Callers(BlogContext db, List<Post> list)
                    {
                        Console.WriteLine(InMemory(list.AsQueryable()) + Sequence(db.Posts));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Explicit_types_and_predicates_report_without_a_fix()
        {
            var source = """
                class C
                {
                    int M(BlogContext db, int id)
                    {
                        List<Post> posts = db.Posts.Where(p => p.Views > 100).{|#0:ToList|}();
                        var post = db.Posts.{|#1:FirstOrDefault|}(p => p.Id == id);
                        var sum = 0;
                        foreach (var p in posts)
                        {
                            sum += p.Views;
                        }

                        return sum + (post?.Views ?? 0);
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Post", "'Views'"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(1).WithArguments("FirstOrDefault", "Post", "'Views'"));
            test.FixedState.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Post", "'Views'"));
            test.FixedState.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(1).WithArguments("FirstOrDefault", "Post", "'Views'"));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("return posts;", "List<Post>")] // returned
        [InlineData("Use(posts[0]); return null;", "List<Post>")] // passed to a method
        [InlineData("foreach (var p in posts) { Use(p); } return null;", "List<Post>")]
        [InlineData("posts[0].Views++; return null;", "List<Post>")] // modified
        [InlineData("foreach (var p in posts) { p.Title = p.Title.Trim(); } return null;", "List<Post>")]
        [InlineData("foreach (var p in posts) { Console.WriteLine(p.Title); } db.SaveChanges(); return null;", "List<Post>")]
        [InlineData("foreach (var p in posts) { Console.WriteLine(p.Blog.Name); } return null;", "List<Post>")] // navigation read
        [InlineData("foreach (var p in posts) { Console.WriteLine(p.Title + p.Views + p.Content + p.IsPublished); } return null;", "List<Post>")] // 4 > 3 members
        [InlineData("db.Posts.RemoveRange(posts); return null;", "List<Post>")]
        [InlineData("_cache = posts; return null;", "List<Post>")] // stored
        [InlineData("var all = posts.Distinct().Count(); return null;", "List<Post>")] // reference identity
        [InlineData("Console.WriteLine(posts[0]); return null;", "List<Post>")] // entity ToString
        [InlineData("Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(posts)); return null;", "List<Post>")] // serialized
        [InlineData("var copy = posts.Select(p => p).ToList(); return copy;", "List<Post>")]
        public async Task Does_not_report_when_the_entities_are_passed_on(string uses, string returnType)
        {
            var source = $$"""
                class C
                {
                    private List<Post> _cache = new();
                    void Use(Post p) { }
                    {{returnType}} M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.IsPublished).ToList();
                        {{uses}}
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Does_not_report_projections_includes_or_unfollowed_results()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var titles = db.Posts.Select(p => new { p.Title }).ToList();
                        Console.WriteLine(titles[0].Title);
                        var withBlog = db.Posts.Include(p => p.Blog).ToList();
                        Console.WriteLine(withBlog[0].Title);
                        foreach (var p in db.Posts.Where(q => q.IsPublished).ToList())
                        {
                            Console.WriteLine(p.Title);
                        }

                        var tags = db.Tags.ToList(); // Tag has only Id and Label: nothing to save
                        Console.WriteLine(tags[0].Label + tags[0].Id);
                        var unused = db.Posts.ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Does_not_report_when_the_unread_columns_weigh_little()
        {
            // Issue 9, shape 5: reading the one large JSON/text column of a five-column row saves next to nothing when
            // projected; neither does leaving out a few narrow columns.
            var source = """
                using System.ComponentModel.DataAnnotations;
                using System.ComponentModel.DataAnnotations.Schema;

                public class Widget
                {
                    public int Id { get; set; }
                    [MaxLength(100)] public string Name { get; set; } = "";
                    public int Kind { get; set; }
                    public DateTime UpdatedAt { get; set; }
                    [Column(TypeName = "jsonb")] public string Layout { get; set; } = "";
                }
                public class Attachment
                {
                    public int Id { get; set; }
                    [StringLength(200)] public string FileName { get; set; } = "";
                    public byte[] Bytes { get; set; } = Array.Empty<byte>();
                    public long Size { get; set; }
                }
                public class Person { public int Id { get; set; } public string Name { get; set; } = ""; public string Email { get; set; } = ""; public bool Active { get; set; } }
                public class Topic
                {
                    public int Id { get; set; } public int ViewCount { get; set; } public int ReplyCount { get; set; } public bool Pinned { get; set; } public bool Deleted { get; set; }
                    public int FirstMessageId { get; set; } public string FirstMessageShortPreview { get; set; } = ""; public DateTime FirstMessageTimePosted { get; set; } public string FirstMessagePostedById { get; set; } = "";
                    public int LastMessageId { get; set; } public string LastMessageShortPreview { get; set; } = ""; public DateTime LastMessageTimePosted { get; set; } public string LastMessagePostedById { get; set; } = "";
                }
                public class WidgetContext : DbContext
                {
                    public DbSet<Widget> Widgets { get; set; }
                    public DbSet<Attachment> Attachments { get; set; }
                    public DbSet<Person> People { get; set; }
                    public DbSet<Topic> Topics { get; set; }
                }

                class C
                {
                    void M(WidgetContext db)
                    {
                        var widgets = db.Widgets.ToList();                 // reads the big column: nothing large left out
                        foreach (var w in widgets) Console.WriteLine(w.Layout);

                        var people = db.People.ToList();                   // 3 narrow columns left out
                        foreach (var p in people) Console.WriteLine(p.Name);

                        var topic = db.Topics.FirstOrDefault(t => t.Id == 1); // 12 narrow columns left out: ids, dates, short strings
                        if (topic is null || topic.Deleted) return;

                        var files = db.Attachments.{|#0:ToList|}();        // near miss: leaves the byte[] out
                        foreach (var f in files) Console.WriteLine(f.FileName + f.Size);

                        var names = db.Widgets.{|#1:ToList|}();            // near miss: leaves the jsonb column out
                        foreach (var w in names) Console.WriteLine(w.Name);
                    }
                }
                """;
            await CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Attachment", "'FileName', 'Size'"),
                VerifyCS.Diagnostic("EFP305").WithLocation(1).WithArguments("ToList", "Widget", "'Name'"));
        }

        [Fact]
        public async Task Does_not_report_in_a_method_that_saves_through_an_abstraction()
        {
            // Issue 9, shape 5: the page promises that methods which save the entities are silent; the save went through
            // an interface over the context, a unit of work, or a repository method that calls SaveChanges.
            var source = """
                public interface IAppDbContext { DbSet<Post> Posts { get; } Task<int> SaveChangesAsync(CancellationToken ct = default); }
                public interface IUnitOfWork { Task CommitAsync(); }
                public class PostRepository
                {
                    private readonly BlogContext _db = null!;
                    public Task SaveAsync() => _db.SaveChangesAsync();
                    public Task CreateReply(int id) { _db.Comments.Add(new Comment { PostId = id }); return _db.SaveChangesAsync(); }
                }

                class C
                {
                    async Task A(IAppDbContext db)
                    {
                        var posts = await db.Posts.ToListAsync();
                        foreach (var p in posts) p.Views.ToString();
                        await db.SaveChangesAsync();
                    }

                    async Task B(BlogContext db, IUnitOfWork uow)
                    {
                        var posts = await db.Posts.ToListAsync();
                        foreach (var p in posts) Console.WriteLine(p.Title);
                        await uow.CommitAsync();
                    }

                    async Task D(BlogContext db, PostRepository repository)
                    {
                        var posts = await db.Posts.ToListAsync();
                        foreach (var p in posts) Console.WriteLine(p.Title);
                        await repository.SaveAsync();
                    }

                    async Task E(BlogContext db, PostRepository repository, int id)
                    {
                        // Near miss: a repository method that takes data saves its own entities, not these.
                        var post = await db.Posts.{|#0:FirstOrDefaultAsync|}(p => p.Id == id);
                        if (post is null || !post.IsPublished) return;
                        await repository.CreateReply(id);
                    }
                }
                """;
            await CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("FirstOrDefaultAsync", "Post", "'IsPublished'"));
        }

        [Fact]
        public async Task Max_members_option_comes_from_editorconfig()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.{|#0:ToList|}();
                        foreach (var p in posts)
                        {
                            Console.WriteLine(p.Title + p.Views + p.PublishedAt + p.IsPublished);
                        }

                        var few = db.Posts.{|#1:ToList|}();
                        Console.WriteLine(few[0].Title + few[0].Views);
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.EFP305.max_members = 4
                """));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Post", "'Title', 'Views', 'PublishedAt', 'IsPublished'"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP305").WithLocation(1).WithArguments("ToList", "Post", "'Title', 'Views'"));
            await test.RunAsync();

            var strict = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>.Create(source.Replace("{|#0:ToList|}", "ToList").Replace("{|#1:ToList|}", "ToList"));
            strict.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.EFP305.max_members = 1
                """));
            await strict.RunAsync();
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                using System.Linq;
                class C { int M(int[] a) { var l = a.ToList(); return l[0]; } }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.).ToList();
                        foreach (var p in posts) { Console.WriteLine(p.Missing + p.); }
                        var one = db.Missing.ToList();
                        var two = db.Posts.ToList(
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
