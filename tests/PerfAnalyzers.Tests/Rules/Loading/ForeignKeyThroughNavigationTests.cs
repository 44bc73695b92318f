using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Loading.ForeignKeyThroughNavigationAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Loading.ForeignKeyThroughNavigationFixer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    public class ForeignKeyThroughNavigationTests
    {
        [Fact]
        public async Task Reports_the_key_of_an_included_navigation_and_reads_the_foreign_key()
        {
            var source = """
                class C
                {
                    async Task<List<int>> Loop(BlogContext db)
                    {
                        var posts = await db.Posts.Include(p => p.Blog).Where(p => p.IsPublished).ToListAsync();
                        var ids = new List<int>();
                        foreach (var post in posts)
                        {
                            ids.Add({|#0:post.Blog.Id|});
                        }

                        return ids;
                    }

                    async Task<int?> Single(BlogContext db, int id)
                    {
                        var post = await db.Posts.Include(p => p.Author).FirstAsync(p => p.Id == id);
                        return {|#1:post.Author?.Id|};
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<List<int>> Loop(BlogContext db)
                    {
                        var posts = await db.Posts.Include(p => p.Blog).Where(p => p.IsPublished).ToListAsync();
                        var ids = new List<int>();
                        foreach (var post in posts)
                        {
                            ids.Add(post.BlogId);
                        }

                        return ids;
                    }

                    async Task<int?> Single(BlogContext db, int id)
                    {
                        var post = await db.Posts.Include(p => p.Author).FirstAsync(p => p.Id == id);
                        return post.AuthorId;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP107").WithLocation(0).WithArguments("Blog.Id", "BlogId"),
                VerifyCS.Diagnostic("EFP107").WithLocation(1).WithArguments("Author.Id", "AuthorId"));
        }

        [Fact]
        public async Task Reports_through_a_ThenInclude_path_on_EF_Core_8()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var comment in db.Comments.Include(c => c.Post).ThenInclude(p => p.Blog).ToList())
                        {
                            Console.WriteLine({|#0:comment.Post.Id|});
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP107").WithLocation(0).WithArguments("Post.Id", "PostId"));
        }

        [Fact]
        public async Task Silent_when_the_navigation_is_needed_anyway_or_not_included()
        {
            var source = """
                class C
                {
                    async Task<List<string>> OtherMembers(BlogContext db)
                    {
                        var posts = await db.Posts.Include(p => p.Blog).ToListAsync();
                        return posts.Select(p => p.Blog.Id + ": " + p.Blog.Name).ToList();
                    }

                    async Task<List<string>> OtherMemberElsewhere(BlogContext db)
                    {
                        var result = new List<string>();
                        foreach (var post in await db.Posts.Include(p => p.Blog).ToListAsync())
                        {
                            result.Add(post.Blog.Id.ToString());
                            result.Add(post.Blog.Name);
                        }

                        return result;
                    }

                    async Task<int> NotIncluded(BlogContext db, int id)
                    {
                        var post = await db.Posts.FirstAsync(p => p.Id == id);
                        return post.Blog.Id;
                    }

                    List<int> InsideTheQuery(BlogContext db)
                        => db.Posts.Select(p => p.Blog.Id).ToList();

                    async Task<int> NullableForeignKeyWithoutConditionalAccess(BlogContext db, int id)
                    {
                        var post = await db.Posts.Include(p => p.Author).FirstAsync(p => p.Id == id);
                        return post.Author.Id;
                    }

                    int NotFromAQuery(Post post) => post.Blog.Id;

                    async Task<int> Reassigned(BlogContext db, Blog other, int id)
                    {
                        var post = await db.Posts.Include(p => p.Blog).FirstAsync(p => p.Id == id);
                        post.Blog = other;
                        return post.Blog.Id;
                    }

                    async Task<string> NotTheKey(BlogContext db, int id)
                    {
                        var post = await db.Posts.Include(p => p.Blog).FirstAsync(p => p.Id == id);
                        return post.Blog.Url;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                class Blog { public int Id { get; set; } }
                class Post { public int BlogId { get; set; } public Blog Blog { get; set; } }
                class C { int M(Post p) => p.Blog.Id; }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var post = await db.Posts.Include(p => p.Missing).FirstAsync();
                        var other = await db.Nope.Include(p => p.Blog).FirstAsync();
                        return post.Missing.Id + other.Blog.Id + post.Blog.
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.ForeignKeyThroughNavigationAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
