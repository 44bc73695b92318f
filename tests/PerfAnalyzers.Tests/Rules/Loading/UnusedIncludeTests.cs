using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Loading.UnusedIncludeAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Loading.UnusedIncludeFixer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    public class UnusedIncludeTests
    {
        private const string Ignored = "EF Core ignores it: the query returns a projection, not the entities";
        private const string NeverRead = "the loaded navigation is never read";

        [Fact]
        public async Task Reports_include_ignored_by_a_projection()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var names = db.Blogs.{|#0:Include|}(b => b.Posts).Where(b => b.Rating > 3).Select(b => new { b.Name, PostCount = b.Posts.Count }).ToList();
                        var count = db.Blogs.{|#1:Include|}("Posts.Comments").Count();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts", Ignored),
                VerifyCS.Diagnostic("EFP106").WithLocation(1).WithArguments("Posts.Comments", Ignored));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Reports_include_never_read_locally(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var blogs = await db.Blogs.{|#0:Include|}(b => b.Posts).ThenInclude(p => p.Author).Where(b => b.Rating > 3).ToListAsync();
                        foreach (var blog in blogs.Where(b => b.Name != ""))
                        {
                            Console.WriteLine(blog.Name);
                        }

                        foreach (var post in db.Posts.{|#1:Include|}(p => p.Comments).AsNoTracking())
                        {
                            Console.WriteLine(post.Title.Length + post.Views);
                        }

                        var one = db.Blogs.{|#2:Include|}(b => b.Tags).First();
                        if (one != null && one.Rating > 0) Console.WriteLine(one.Url);
                    }

                    object Names(BlogContext db)
                    {
                        // Only a projection of the rows leaves the method, not the entities.
                        var blogs = db.Blogs.{|#3:Include|}(b => b.Posts).ToList();
                        return blogs.Select(b => new { b.Id, b.Name }).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                version,
                VerifyCS.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts.Author", NeverRead),
                VerifyCS.Diagnostic("EFP106").WithLocation(1).WithArguments("Comments", NeverRead),
                VerifyCS.Diagnostic("EFP106").WithLocation(2).WithArguments("Tags", NeverRead),
                VerifyCS.Diagnostic("EFP106").WithLocation(3).WithArguments("Posts", NeverRead));
        }

        [Fact]
        public async Task Reports_include_never_read_after_MinBy_or_MaxBy()
        {
            // One answer with the navigation reads (NavigationAccess, issue 13): MinBy/MaxBy return one entity row, like
            // First, so its Include is followed as well. It used to be left alone here.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var top = db.Blogs.{|#0:Include|}(b => b.Tags).MaxBy(b => b.Rating);
                        if (top != null) Console.WriteLine(top.Url);
                        var read = db.Blogs.Include(b => b.Posts).MinBy(b => b.Rating);
                        if (read != null) Console.WriteLine(read.Posts.Count);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP106").WithLocation(0).WithArguments("Tags", NeverRead));
        }

        [Fact]
        public async Task Does_not_report_when_read_or_results_leave_the_method()
        {
            var source = """
                class C
                {
                    private List<Blog> _cache;
                    public Blog Current { get; set; }

                    List<Blog> Returned(BlogContext db) => db.Blogs.Include(b => b.Posts).ToList();

                    IQueryable<Blog> Composed(BlogContext db) => db.Blogs.Include(b => b.Posts);

                    void Read(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Include(b => b.Posts).ToList()) Console.WriteLine(blog.Posts.Count);
                        var one = db.Blogs.Include(b => b.Tags).First();
                        var labels = one.Tags.Select(t => t.Label).ToList();
                    }

                    void Stored(BlogContext db)
                    {
                        _cache = db.Blogs.Include(b => b.Posts).ToList();
                        var local = db.Blogs.Include(b => b.Posts).ToList();
                        Current = local.First();
                    }

                    void Passed(BlogContext db)
                    {
                        var blog = db.Blogs.Include(b => b.Posts).First();
                        db.Blogs.Remove(blog); // cascade delete of the tracked posts
                        db.SaveChanges();
                        var blogs = db.Blogs.Include(b => b.Tags).ToList();
                        Show(blogs);
                        foreach (var b in db.Blogs.Include(x => x.Author)) Show(new List<Blog> { b });
                        var dtos = db.Blogs.Include(b => b.Posts).ToList().Select(b => Map(b)).ToList();
                    }

                    void Projections(BlogContext db)
                    {
                        // The projection returns the entity: the Include applies.
                        var a = db.Blogs.Include(b => b.Posts).Select(b => new { Blog = b, b.Name }).ToList();
                        var c = db.Blogs.Include(b => b.Posts).Select(b => b).ToList();
                        var d = db.Posts.Include(p => p.Blog).Select(p => p.Blog).ToList();
                        var e = db.Blogs.Include(b => b.Posts).Select(b => b.Posts.ToList()).ToList();
                    }

                    static void Show(List<Blog> blogs) { }
                    static string Map(Blog blog) => blog.Name;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_removes_include_and_its_then_includes_and_fix_all()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var names = db.Blogs
                            .{|#0:Include|}(b => b.Posts)
                            .ThenInclude(p => p.Comments)
                            .{|#1:Include|}(b => b.Tags)
                            .Select(b => b.Name)
                            .ToList();
                        var n = db.Posts.{|#2:Include|}(p => p.Author).Count(p => p.Views > 10);
                        var last = db.Posts.{|#3:Include|}(p => p.Author);
                        Console.WriteLine(last.Count());
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var names = db.Blogs
                            .Select(b => b.Name)
                            .ToList();
                        var n = db.Posts.Count(p => p.Views > 10);
                        var last = db.Posts.{|#0:Include|}(p => p.Author);
                        Console.WriteLine(last.Count());
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts.Comments", Ignored));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP106").WithLocation(1).WithArguments("Tags", Ignored));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP106").WithLocation(2).WithArguments("Author", Ignored));
            await test.RunAsync();
        }

        [Fact]
        public async Task Follows_method_groups_and_mapping_methods_and_is_silent_when_entities_leave_unseen()
        {
            // Issue 9, shape 6: blogs.Select(ToDto) where ToDto reads the included navigation was reported "never read",
            // and removing the Include broke the code.
            var source = """
                public record BlogDto(string Name, int PostCount);

                class C
                {
                    static BlogDto ToDto(Blog b) => new BlogDto(b.Name, b.Posts.Count);
                    static BlogDto Map(Blog b) => Inner(b);
                    static BlogDto Inner(Blog b) => new BlogDto(b.Name, b.Posts.Count);
                    static string ToName(Blog b) => b.Name;

                    List<BlogDto> A(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        return blogs.Select(ToDto).ToList();                   // method group reading Posts
                    }

                    List<BlogDto> B(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        var result = new List<BlogDto>();
                        foreach (var blog in blogs) result.Add(Map(blog));     // a mapping method, two calls deep
                        return result;
                    }

                    void D(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        blogs.ForEach(Console.WriteLine);                      // a method group we cannot see into
                    }

                    List<string> E(BlogContext db)
                    {
                        var blogs = db.Blogs.{|#0:Include|}(b => b.Posts).ToList();
                        return blogs.Select(ToName).ToList();                  // near miss: followed, Posts never read
                    }
                }
                """;
            var test = VerifyCS.Create(source, source.Replace("{|#0:Include|}(b => b.Posts).ToList();\n        return blogs.Select(ToName)", "ToList();\n        return blogs.Select(ToName)"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts", NeverRead));
            await test.RunAsync();
        }

        [Fact]
        public async Task Broken_code_does_not_crash()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var a = db.Blogs.Include(b => b.{|CS1061:Postz|}).Select(b => b.Name).ToList();
                        var c = db.Blogs.{|CS1501:Include|}().ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
