using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Loading.CartesianExplosionAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Loading.CartesianExplosionFixer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    public class CartesianExplosionTests
    {
        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Reports_sibling_collection_includes(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var a = db.Blogs.Include(b => b.Posts).{|#0:Include|}(b => b.Tags).ToList();
                        var b2 = await db.Blogs.Include("Posts.Comments").{|#1:Include|}("Tags").FirstAsync();
                        var c = db.Authors.Include(x => x.Posts).ThenInclude(p => p.Comments)
                            .Include(x => x.Posts).{|#2:ThenInclude|}(p => p.Blog.Tags).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                version,
                VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(1).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(2).WithArguments("'Posts.Comments'", "'Posts.Blog.Tags'"));
        }

        [Fact]
        public async Task Does_not_report_includes_a_helper_adds_to_its_parameter_before_splitting_the_query()
        {
            // Smartstore's IncludeCustomer: optional collection includes assigned to the query parameter, then AsSplitQuery()
            // in the return. The Include at each assignment reads the parameter as it was before, not what later lines add.
            var source = """
                static class BlogQueries
                {
                    public static IQueryable<Blog> IncludeAll(this IQueryable<Blog> query, bool posts = false, bool tags = false)
                    {
                        if (posts)
                        {
                            query = query.Include(b => b.Posts);
                        }

                        if (tags)
                        {
                            query = query.Include(b => b.Tags);
                        }

                        return query.AsSplitQuery();
                    }

                    // The same without the split: one query, reported once, at the step that adds the second collection.
                    public static IQueryable<Blog> IncludeBoth(this IQueryable<Blog> query, bool tags)
                    {
                        query = query.Include(b => b.Posts);
                        if (tags)
                        {
                            query = query.{|#0:Include|}(b => b.Tags);
                        }

                        return query;
                    }
                }

                class C
                {
                    List<Blog> M(BlogContext db) => db.Blogs.IncludeAll(true, true).ToList();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"));
        }

        [Fact]
        public async Task Does_not_report_nested_references_split_or_single_collection()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, bool flag)
                    {
                        // One collection, nested collections, references only.
                        var a = db.Blogs.Include(b => b.Posts).ThenInclude(p => p.Comments).Include(b => b.Author).ToList();
                        var b = db.Posts.Include(p => p.Blog).Include(p => p.Author).ToList();
                        // Split or explicitly single.
                        var c = db.Blogs.Include(b => b.Posts).Include(b => b.Tags).AsSplitQuery().ToList();
                        var d = db.Blogs.AsSplitQuery().Include(b => b.Posts).Include(b => b.Tags).ToList();
                        var e = db.Blogs.Include(b => b.Posts).Include(b => b.Tags).AsSingleQuery().ToList();
                        var q = db.Blogs.Include(b => b.Posts).Include(b => b.Tags);
                        var f = q.AsSplitQuery().ToList();
                        // Projection: the Includes are ignored (EFP106's business).
                        var g = db.Blogs.Include(b => b.Posts).Include(b => b.Tags).Select(b => b.Name).ToList();
                        // Inside an expression tree.
                        var h = db.Blogs.Where(x => x.Posts.Count > 0).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_when_the_context_splits_by_default()
        {
            var source = """
                public class SplitContext : DbContext
                {
                    public DbSet<Blog> Blogs { get; set; }
                    protected override void OnConfiguring(DbContextOptionsBuilder options)
                        => options.UseSqlite("Data Source=x", o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery));
                }
                class C
                {
                    void M(SplitContext split, BlogContext single)
                    {
                        var a = split.Blogs.Include(b => b.Posts).Include(b => b.Tags).ToList();
                        var b = single.Blogs.Include(b => b.Posts).{|#0:Include|}(b => b.Tags).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"));
        }

        [Fact]
        public async Task Fix_adds_AsSplitQuery_after_the_last_include_and_fix_all()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var blogs = await db.Blogs
                            .Include(b => b.Posts)
                            .{|#0:Include|}(b => b.Tags)
                            .Where(b => b.Rating > 2)
                            .ToListAsync();
                        foreach (var a in db.Authors.Include(x => x.Posts).ThenInclude(p => p.Comments).Include(x => x.Posts).{|#1:ThenInclude|}(p => p.Blog.Posts))
                        {
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var blogs = await db.Blogs
                            .Include(b => b.Posts)
                            .Include(b => b.Tags)
                            .AsSplitQuery()
                            .Where(b => b.Rating > 2)
                            .ToListAsync();
                        foreach (var a in db.Authors.Include(x => x.Posts).ThenInclude(p => p.Comments).Include(x => x.Posts).ThenInclude(p => p.Blog.Posts).AsSplitQuery())
                        {
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(
                source,
                fixedSource,
                EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(1).WithArguments("'Posts.Comments'", "'Posts.Blog.Posts'"));
        }

        [Fact]
        public async Task A_query_composed_with_conditional_includes_is_reported_once_without_a_fix()
        {
            // Issue 9, shape 8: one query, three Include steps, was reported three times.
            var source = """
                class C
                {
                    List<Blog> M(BlogContext db, bool withTags, bool withAuthor)
                    {
                        IQueryable<Blog> q = db.Blogs.Include(b => b.Posts);
                        if (withTags) q = q.Include(b => b.Tags);
                        if (withAuthor) q = q.{|#0:Include|}(b => b.Author);
                        return q.Where(b => b.Rating > 2).ToList();
                    }

                    List<Blog> N(BlogContext db, bool withTags)
                    {
                        IQueryable<Blog> q = db.Blogs;
                        q = q.Include(b => b.Posts);
                        if (withTags) q = q.{|#1:Include|}(b => b.Tags);
                        return q.ToList();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(
                source,
                source,
                EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(1).WithArguments("'Posts'", "'Tags'"));
        }

        [Fact]
        public async Task Does_not_report_a_single_row_lookup_by_key()
        {
            // Issue 9, shape 8: one blog by its key has few posts and tags; AsSplitQuery would only add round trips.
            var source = """
                class C
                {
                    async Task M(BlogContext db, int id, string name, bool withTags)
                    {
                        var a = await db.Blogs.Include(b => b.Posts).Include(b => b.Tags).FirstOrDefaultAsync(b => b.Id == id);
                        var b2 = db.Blogs.Include(b => b.Posts).Include(b => b.Tags).Where(b => b.Id == id && !b.IsArchived).SingleOrDefault();
                        var c = db.Blogs.Where(b => id == b.Id).Include(b => b.Posts).Include(b => b.Tags).First();

                        IQueryable<Blog> q = db.Blogs.Include(b => b.Posts);
                        if (withTags) q = q.Include(b => b.Tags);
                        var d = await q.FirstOrDefaultAsync(b => b.Id == id);

                        // Near misses: not the key, the key compared with the row itself, several rows.
                        var e = db.Blogs.Include(b => b.Posts).{|#0:Include|}(b => b.Tags).FirstOrDefault(b => b.Name == name);
                        var f = db.Blogs.Include(b => b.Posts).{|#1:Include|}(b => b.Tags).FirstOrDefault(b => b.Id == b.AuthorId);
                        var g = db.Blogs.Include(b => b.Posts).{|#2:Include|}(b => b.Tags).Where(b => b.Id > id).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP105").WithLocation(0).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(1).WithArguments("'Posts'", "'Tags'"),
                VerifyCS.Diagnostic("EFP105").WithLocation(2).WithArguments("'Posts'", "'Tags'"));
        }

        [Fact]
        public async Task Broken_code_does_not_crash()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var a = db.Blogs.Include(b => b.{|CS1061:Postz|}).Include(b => b.Tags).ToList();
                        var c = db.Blogs.{|CS1501:Include|}("Posts", 1).Include(b => b.Tags).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
