using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.ContainsOverLoadedListAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.ContainsOverLoadedListFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class ContainsOverLoadedListTests
    {
        [Fact]
        public async Task Reports_keys_loaded_only_for_the_next_querys_Contains_and_keeps_them_a_query()
        {
            var source = """
                class C
                {
                    async Task<List<Blog>> M(BlogContext db, CancellationToken ct)
                    {
                        var blogIds = await db.Posts.Where(p => p.IsPublished).Select(p => p.BlogId).{|#0:ToListAsync|}(ct);
                        return await db.Blogs.Where(b => blogIds.Contains(b.Id)).ToListAsync(ct);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<List<Blog>> M(BlogContext db, CancellationToken ct)
                    {
                        var blogIds = db.Posts.Where(p => p.IsPublished).Select(p => p.BlogId);
                        return await db.Blogs.Where(b => blogIds.Contains(b.Id)).ToListAsync(ct);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP311").WithLocation(0).WithArguments("ToListAsync", "blogIds", "ToListAsync"));
        }

        [Fact]
        public async Task Sync_explicit_type_multi_line_chain_and_ConfigureAwait()
        {
            var source = """
                class C
                {
                    int Sync(BlogContext db)
                    {
                        List<int> postIds = db.Posts
                            .Where(p => p.Views > 100)
                            .Select(p => p.Id)
                            .{|#0:ToList|}();
                        return db.Comments.Count(c => postIds.Contains(c.PostId));
                    }

                    async Task<bool> Async(BlogContext db)
                    {
                        HashSet<int> authors = await db.Authors.Where(a => a.Email.EndsWith("@example.com")).Select(a => a.Id).{|#1:ToHashSetAsync|}().ConfigureAwait(false);
                        return await db.Posts.AnyAsync(p => p.AuthorId != null && authors.Contains(p.AuthorId.Value)).ConfigureAwait(false);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    int Sync(BlogContext db)
                    {
                        var postIds = db.Posts
                            .Where(p => p.Views > 100)
                            .Select(p => p.Id);
                        return db.Comments.Count(c => postIds.Contains(c.PostId));
                    }

                    async Task<bool> Async(BlogContext db)
                    {
                        var authors = db.Authors.Where(a => a.Email.EndsWith("@example.com")).Select(a => a.Id);
                        return await db.Posts.AnyAsync(p => p.AuthorId != null && authors.Contains(p.AuthorId.Value)).ConfigureAwait(false);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP311").WithLocation(0).WithArguments("ToList", "postIds", "Count"),
                VerifyCS.Diagnostic("EFP311").WithLocation(1).WithArguments("ToHashSetAsync", "authors", "AnyAsync"));
        }

        [Fact]
        public async Task Reports_on_EF_Core_8_and_through_a_nested_lambda_and_a_foreach_source()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var tagged = await db.Tags.Where(t => t.Label == "ef").Select(t => t.Id).{|#0:ToArrayAsync|}();
                        foreach (var blog in db.Blogs.Where(b => b.Tags.Any(t => tagged.Contains(t.Id))))
                        {
                            Console.WriteLine(blog.Name);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP311").WithLocation(0).WithArguments("ToArrayAsync", "tagged", "foreach"));
        }

        [Fact]
        public async Task Silent_when_the_list_is_used_for_anything_else()
        {
            var source = """
                class C
                {
                    async Task<List<Blog>> CountCheck(BlogContext db)
                    {
                        var ids = await db.Posts.Select(p => p.BlogId).ToListAsync();
                        if (ids.Count == 0) return new List<Blog>();
                        return await db.Blogs.Where(b => ids.Contains(b.Id)).ToListAsync();
                    }

                    async Task<int> TwoQueries(BlogContext db)
                    {
                        var ids = await db.Posts.Select(p => p.BlogId).ToListAsync();
                        var blogs = await db.Blogs.CountAsync(b => ids.Contains(b.Id));
                        return blogs + await db.Comments.CountAsync(c => ids.Contains(c.PostId));
                    }

                    async Task<List<int>> Returned(BlogContext db)
                    {
                        var ids = await db.Posts.Select(p => p.BlogId).ToListAsync();
                        return ids;
                    }

                    async Task<int> Unused(BlogContext db)
                    {
                        var ids = await db.Posts.Select(p => p.BlogId).ToListAsync();
                        return 0;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_rewrite_could_change_the_result_or_cost_more()
        {
            var source = """
                class C
                {
                    async Task<int> SaveBetween(BlogContext db)
                    {
                        var ids = await db.Posts.Where(p => p.IsPublished).Select(p => p.Id).ToListAsync();
                        db.Posts.Add(new Post { IsPublished = true });
                        await db.SaveChangesAsync();
                        return await db.Comments.CountAsync(c => ids.Contains(c.PostId));
                    }

                    async Task<int> BulkBetween(BlogContext db)
                    {
                        var ids = await db.Posts.Where(p => p.IsPublished).Select(p => p.Id).ToListAsync();
                        await db.Posts.Where(p => p.Views == 0).ExecuteDeleteAsync();
                        return await db.Comments.CountAsync(c => ids.Contains(c.PostId));
                    }

                    async Task<int> OtherContext(BlogContext db, BlogContext archive)
                    {
                        var ids = await archive.Posts.Select(p => p.Id).ToListAsync();
                        return await db.Comments.CountAsync(c => ids.Contains(c.PostId));
                    }

                    async Task<int> InALoop(BlogContext db, int[] thresholds)
                    {
                        var ids = await db.Posts.Select(p => p.Id).ToListAsync();
                        var total = 0;
                        foreach (var t in thresholds)
                        {
                            total += await db.Comments.CountAsync(c => c.Id > t && ids.Contains(c.PostId));
                        }

                        return total;
                    }

                    IQueryable<Comment> Deferred(BlogContext db)
                    {
                        var ids = db.Posts.Select(p => p.Id).ToList();
                        var query = db.Comments.Where(c => ids.Contains(c.PostId));
                        return query;
                    }

                    List<Blog> ClientSide(BlogContext db)
                    {
                        var ids = db.Posts.Select(p => p.BlogId).ToList();
                        return db.Blogs.AsEnumerable().Where(b => ids.Contains(b.Id)).ToList();
                    }

                    async Task<int> Entities(BlogContext db)
                    {
                        var posts = await db.Posts.Where(p => p.IsPublished).ToListAsync();
                        return await db.Posts.CountAsync(p => posts.Contains(p));
                    }

                    int InMemory(BlogContext db, List<Post> loaded)
                    {
                        var ids = loaded.Select(p => p.Id).ToList();
                        return db.Comments.Count(c => ids.Contains(c.PostId));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_without_EF_and_on_broken_code()
        {
            var noEf = """
                using System.Collections.Generic;
                using System.Linq;
                class C { int M(int[] a, int[] b) { var ids = a.Select(x => x).ToList(); return b.Count(x => ids.Contains(x)); } }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var ids = await db.Posts.Select(p => p.Missing).ToListAsync();
                        var other = await db.Nope.Select(p => p.Id).ToListAsync();
                        return await db.Comments.CountAsync(c => ids.Contains(c.PostId) && other.Contains(c.
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.ContainsOverLoadedListAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
