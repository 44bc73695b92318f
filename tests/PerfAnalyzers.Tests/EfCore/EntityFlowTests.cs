using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using OnlyRead = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.ReadOnlyTrackingQueryAnalyzer>;
using MembersRead = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.WholeEntityProjectionAnalyzer>;
using Escapes = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.UnusedIncludeAnalyzer>;
using Modified = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Writes.ReadModifyWriteAnalyzer>;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// One walk for "where does this entity or sequence go?" (EntityFlow, issue 13): the questions QueryFlow.Escapes
    /// (EFP106), EntityMemberUsage (EFP305) and ReadOnlyEntityUsage (EFP302) ask now follow the same operators, list
    /// methods, indexing and null-conditional reads, and share one answer for "is this use a write / a null check".
    /// Each test failed before, where one walker disagreed with the others.
    /// </summary>
    public class EntityFlowTests
    {
        private const string NeverRead = "the loaded navigation is never read";

        [Fact]
        public async Task Escapes_follows_the_operators_and_list_methods_the_other_questions_follow()
        {
            // TakeWhile, ElementAt, MaxBy (followed by EFP302/EFP305, not by EFP106's walk) and List.FindLast (followed
            // by EFP302, not by EFP106's walk) return the entities, which are only read here.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var blogs = db.Blogs.{|#0:Include|}(b => b.Posts).ToList();
                        var best = blogs.TakeWhile(b => b.Rating > 0).MaxBy(b => b.Rating);
                        var second = blogs.ElementAt(1);
                        var last = blogs.FindLast(b => b.Rating > 3);
                        Console.WriteLine(best.Name + second.Name + last.Name);
                    }
                }
                """;
            await Escapes.VerifyAnalyzerAsync(source, EfVersion.Ef10, Escapes.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts", NeverRead));
        }

        [Fact]
        public async Task Escapes_reads_a_null_conditional_member_and_a_block_lambda_local_as_reads()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var blog = db.Blogs.{|#0:Include|}(b => b.Posts).FirstOrDefault();
                        Console.WriteLine(blog?.Name);
                        var blogs = db.Blogs.{|#1:Include|}(b => b.Tags).ToList();
                        var rated = blogs.Count(b => { var x = b; return x.Rating > 3; });
                        Console.WriteLine(rated);
                    }
                }
                """;
            await Escapes.VerifyAnalyzerAsync(source, EfVersion.Ef10,
                Escapes.Diagnostic("EFP106").WithLocation(0).WithArguments("Posts", NeverRead),
                Escapes.Diagnostic("EFP106").WithLocation(1).WithArguments("Tags", NeverRead));
        }

        [Fact]
        public async Task Escapes_follows_indexed_elements_delegates_and_deconstruction()
        {
            // The element of blogs[0] / array[0] is returned; a delegate we cannot see, or a Deconstruct method, receives the entities.
            var source = """
                static class BlogParts
                {
                    public static void Deconstruct(this Blog blog, out string name, out int posts) { name = blog.Name; posts = blog.Posts.Count; }
                }

                class C
                {
                    Blog First(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        return blogs[0];
                    }

                    Blog FirstOfArray(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToArray();
                        return blogs[0];
                    }

                    int Filtered(BlogContext db, Func<Blog, bool> filter)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        return blogs.Count(filter);
                    }

                    void Deconstructed(BlogContext db)
                    {
                        var blogs = db.Blogs.Include(b => b.Posts).ToList();
                        foreach (var (name, count) in blogs)
                        {
                            Console.WriteLine(name + count);
                        }
                    }
                }
                """;
            await Escapes.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Members_read_follows_MaxBy_list_methods_and_null_conditional_reads()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.IsPublished).{|#0:ToList|}();
                        var top = posts.MaxBy(p => p.Views);
                        var found = posts.Find(p => p.Views > 10);
                        if (found is { }) Console.WriteLine(found.Title);
                        Console.WriteLine(top?.Title.Length);
                    }
                }
                """;
            await MembersRead.VerifyAnalyzerAsync(source, EfVersion.Ef10,
                MembersRead.Diagnostic("EFP305").WithLocation(0).WithArguments("ToList", "Post", "'Views', 'Title'"));
        }

        [Fact]
        public async Task Members_read_declines_the_operators_a_projection_would_change()
        {
            // Distinct compares entities by reference and an anonymous type by value; OfType<Post> finds no Post in a projection.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Where(p => p.IsPublished).ToList();
                        Console.WriteLine(posts.Distinct().Count(p => p.Views > 3));
                        var viewed = db.Posts.Where(p => p.Views > 3).ToList();
                        Console.WriteLine(viewed.OfType<Post>().Sum(p => p.Views));
                    }
                }
                """;
            await MembersRead.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Members_read_counts_a_deconstructing_assignment_as_a_write()
        {
            // An anonymous type's members are read-only: (post.Title, n) = .. would not compile after the projection.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var post = db.Posts.First(p => p.IsPublished);
                        (post.Title, var n) = ("new", 1);
                        Console.WriteLine(post.Title + post.Views + n);
                    }
                }
                """;
            await MembersRead.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }

        [Fact]
        public async Task Only_read_follows_ToDictionary_and_list_ToArray()
        {
            // The loaded navigation is read, so EFP305 (which EFP302 defers to) does not apply.
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var posts = db.Posts.Include(p => p.Blog).Where(p => p.IsPublished).{|#0:ToList|}();
                        var titles = posts.ToDictionary(p => p.Id, p => p.Blog.Name);
                        Console.WriteLine(titles.Count);
                    }

                    void Copied(BlogContext db)
                    {
                        var viewed = db.Posts.Include(p => p.Blog).Where(p => p.Views > 3).{|#1:ToList|}();
                        var copy = viewed.ToArray();
                        Console.WriteLine(copy[0].Blog.Name);
                    }
                }
                """;
            await OnlyRead.VerifyAnalyzerAsync(source, EfVersion.Ef10,
                OnlyRead.Diagnostic("EFP302").WithLocation(0).WithArguments("ToList", "Post"),
                OnlyRead.Diagnostic("EFP302").WithLocation(1).WithArguments("ToList", "Post"));
        }

        [Fact]
        public async Task Modified_counts_a_deconstructing_assignment_as_a_write_not_a_read()
        {
            // The column is assigned elsewhere (through a tuple): not a lone read-modify-write.
            var source = """
                class C
                {
                    void M(BlogContext db, int id)
                    {
                        var post = db.Posts.First(p => p.Id == id);
                        (post.Views, var n) = (5, 1);
                        Console.WriteLine(n);
                        post.Views++;
                        db.SaveChanges();
                    }
                }
                """;
            await Modified.VerifyAnalyzerAsync(source, EfVersion.Ef10);
        }
    }
}
