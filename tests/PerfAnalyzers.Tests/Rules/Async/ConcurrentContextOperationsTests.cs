using System.Threading.Tasks;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Async.ConcurrentContextOperationsAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Async.ConcurrentContextOperationsFixer>;

namespace PerfAnalyzers.Tests.Rules.Async
{
    public class ConcurrentContextOperationsTests
    {
        [Fact]
        public async Task Reports_WhenAll_over_two_calls_on_one_context()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var blogs = db.Blogs.ToListAsync();
                        var count = db.Posts.CountAsync();
                        await Task.{|#0:WhenAll|}(blogs, count);
                        Console.WriteLine(blogs.Result.Count + count.Result);
                    }

                    async Task N(BlogContext db)
                    {
                        await Task.{|#1:WhenAny|}(db.Blogs.ToListAsync(), db.Posts.CountAsync());
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "Task.WhenAll over its tasks"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("db", "Task.WhenAny over its tasks"));
        }

        [Fact]
        public async Task Reports_Select_async_awaited_together_and_field_contexts()
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db;
                    public C(BlogContext db) => _db = db;

                    async Task<int[]> M(List<int> ids)
                    {
                        var tasks = ids.Select(async id => await _db.Posts.CountAsync(p => p.BlogId == id)).ToList();
                        return await Task.{|#0:WhenAll|}(tasks);
                    }

                    async Task N()
                    {
                        await Task.{|#1:WhenAll|}(Task.Run(() => _db.Blogs.ToListAsync()), _db.SaveChangesAsync());
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("_db", "Task.WhenAll over one task per element: Select(async ...) or a loop"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("_db", "Task.WhenAll over its tasks"));
        }

        [Fact]
        public async Task Reports_a_list_of_tasks_filled_in_a_loop_or_with_two_adds()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<int> ids)
                    {
                        var tasks = new List<Task<int>>();
                        foreach (var id in ids)
                        {
                            tasks.Add(db.Posts.CountAsync(p => p.BlogId == id));
                        }

                        await Task.{|#0:WhenAll|}(tasks);
                    }

                    async Task N(BlogContext db)
                    {
                        var tasks = new List<Task>();
                        tasks.Add(db.Blogs.ToListAsync());
                        tasks.Add(db.SaveChangesAsync());
                        await Task.{|#1:WhenAll|}(tasks);
                    }

                    async Task Own(IDbContextFactory<BlogContext> factory, List<int> ids)
                    {
                        var tasks = new List<Task<int>>();
                        foreach (var id in ids)
                        {
                            tasks.Add(Task.Run(async () =>
                            {
                                await using var db = await factory.CreateDbContextAsync();
                                return await db.Posts.CountAsync(p => p.BlogId == id);
                            }));
                        }

                        await Task.WhenAll(tasks);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "Task.WhenAll over one task per element: Select(async ...) or a loop"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("db", "Task.WhenAll over its tasks"));
        }

        [Fact]
        public async Task Reports_Parallel_bodies_using_the_enclosing_context()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<int> ids)
                    {
                        Parallel.{|#0:ForEach|}(ids, id => db.Posts.Where(p => p.BlogId == id).ToList());
                        await Parallel.{|#1:ForEachAsync|}(ids, async (id, ct) => await db.Posts.CountAsync(p => p.BlogId == id, ct));
                        Parallel.{|#2:For|}(0, 10, i => db.SaveChanges());
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "the body of Parallel.ForEach runs on several threads"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("db", "the body of Parallel.ForEachAsync runs on several threads"),
                VerifyCS.Diagnostic("EFP402").WithLocation(2).WithArguments("db", "the body of Parallel.For runs on several threads"));
        }

        [Fact]
        public async Task Reports_an_operation_started_while_a_task_on_the_context_runs()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var posts = db.Posts.ToListAsync();
                        var blogs = await db.Blogs.{|#0:CountAsync|}();
                        return (await posts).Count + blogs;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "'CountAsync' starts while task 'posts' (ToListAsync) is still running"));
        }

        [Fact]
        public async Task Does_not_report_sequential_awaits_own_contexts_or_different_instances()
        {
            var source = """
                using Microsoft.Extensions.DependencyInjection;

                class C
                {
                    private readonly IDbContextFactory<BlogContext> _factory;
                    private readonly IServiceScopeFactory _scopes;
                    public C(IDbContextFactory<BlogContext> factory, IServiceScopeFactory scopes) { _factory = factory; _scopes = scopes; }

                    async Task Sequential(BlogContext db)
                    {
                        var blogs = await db.Blogs.ToListAsync();
                        var count = await db.Posts.CountAsync();
                        var posts = db.Posts.ToListAsync();
                        await posts;
                        var after = await db.Blogs.CountAsync();
                    }

                    async Task Factory(List<int> ids)
                    {
                        var tasks = ids.Select(async id =>
                        {
                            await using var db = await _factory.CreateDbContextAsync();
                            return await db.Posts.CountAsync(p => p.BlogId == id);
                        });
                        await Task.WhenAll(tasks);
                        await Parallel.ForEachAsync(ids, async (id, ct) =>
                        {
                            using var db = _factory.CreateDbContext();
                            await db.Posts.CountAsync(p => p.BlogId == id, ct);
                        });
                    }

                    async Task Scope(List<int> ids)
                    {
                        await Task.WhenAll(ids.Select(async id =>
                        {
                            await using var scope = _scopes.CreateAsyncScope();
                            var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                            return await db.Posts.CountAsync(p => p.BlogId == id);
                        }));
                    }

                    async Task Different(BlogContext one, BlogContext two)
                    {
                        await Task.WhenAll(one.Blogs.ToListAsync(), two.Posts.CountAsync());
                        using var a = _factory.CreateDbContext();
                        using var b = _factory.CreateDbContext();
                        var x = a.Blogs.CountAsync();
                        var y = b.Posts.CountAsync();
                        await Task.WhenAll(x, y);
                    }

                    async Task NotEf(HttpClientLike http)
                    {
                        await Task.WhenAll(http.GetAsync(), http.GetAsync());
                        await Task.WhenAll(Task.Delay(1), Task.Delay(2));
                    }
                }

                class HttpClientLike { public Task<string> GetAsync() => Task.FromResult(""); }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        // Real code (issue 11 run): a bulk-delete extension of a third-party package and a project extension on a DbSet are
        // operations on the context too, not unknown tasks.
        [Fact]
        public async Task Reports_async_extensions_on_the_context_its_sets_and_queries()
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db;
                    public C(BlogContext db) => _db = db;

                    async Task Delete(int id)
                    {
                        await Task.{|#0:WhenAll|}(_db.Posts.Where(p => p.BlogId == id).DeleteAsync(), _db.SaveChangesAsync());
                    }

                    async Task<List<Post?>> Load(List<int> ids)
                    {
                        var tasks = ids.Select(async id => await _db.Posts.GetEntityAsync(id)).ToList();
                        return (await Task.{|#1:WhenAll|}(tasks)).ToList();
                    }

                    async Task Seed(BlogContext db)
                    {
                        await Task.{|#2:WhenAll|}(db.SeedAsync(), db.Blogs.CountAsync());
                    }
                }

                static class BulkExtensions
                {
                    public static Task<int> DeleteAsync<T>(this IQueryable<T> query) => Task.FromResult(0);
                    public static async Task<Post?> GetEntityAsync(this DbSet<Post> set, int id) => await set.FindAsync(id);
                    public static Task SeedAsync(this BlogContext db) => db.SaveChangesAsync();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("_db", "Task.WhenAll over its tasks"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("_db", "Task.WhenAll over one task per element: Select(async ...) or a loop"),
                VerifyCS.Diagnostic("EFP402").WithLocation(2).WithArguments("db", "Task.WhenAll over its tasks"));
        }

        // Real code (Kavita SeriesRepository): a long query chain through a project filter extension, one task per element.
        [Fact]
        public async Task Reports_Select_async_over_a_long_chain_through_a_project_extension()
        {
            var source = """
                class SeriesRepository
                {
                    private readonly BlogContext _context;
                    public SeriesRepository(BlogContext context) => _context = context;

                    async Task<List<int>> Common(IList<int> value, int userId, int rating)
                    {
                        var tasks = value.Select(async tagId =>
                        {
                            return await _context.Tags
                                .Where(t => t.Id > 0 || t.Label == "x")
                                .Where(t => t.Id == tagId)
                                .SelectMany(t => t.Blogs)
                                .SelectMany(b => b.Posts)
                                .RestrictByRating(rating)
                                .Select(p => p.Id)
                                .ToListAsync();
                        });

                        var lists = await Task.{|#0:WhenAll|}(tasks);
                        return lists.Aggregate((a, b) => a.Intersect(b).ToList());
                    }
                }

                static class Restrictions
                {
                    public static IQueryable<Post> RestrictByRating(this IQueryable<Post> query, int rating)
                        => rating == 0 ? query : query.Where(p => p.Views <= rating);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("_context", "Task.WhenAll over one task per element: Select(async ...) or a loop"));
        }

        [Fact]
        public async Task Does_not_report_one_context_operation_beside_other_work_or_extensions_on_different_contexts()
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db;
                    private readonly IDbContextFactory<BlogContext> _factory;
                    public C(BlogContext db, IDbContextFactory<BlogContext> factory) { _db = db; _factory = factory; }

                    // one context operation and a file copy (real code: save the row and the upload together)
                    async Task Save(System.IO.Stream upload, System.IO.Stream file)
                    {
                        await Task.WhenAll(_db.SaveChangesAsync(), upload.CopyToAsync(file));
                    }

                    async Task Different(BlogContext other, int id)
                    {
                        await Task.WhenAll(_db.Posts.Where(p => p.BlogId == id).DeleteAsync(), other.Posts.Where(p => p.BlogId == id).DeleteAsync());
                    }

                    async Task Own(List<int> ids)
                    {
                        await Task.WhenAll(ids.Select(async id =>
                        {
                            await using var db = await _factory.CreateDbContextAsync();
                            return await db.Posts.GetEntityAsync(id);
                        }));
                    }

                    // EF Core's own AddAsync/AddRangeAsync (no round trip; they complete synchronously), and a call on the
                    // task they return
                    async Task Adds(Blog one, Blog two)
                    {
                        await Task.WhenAll(_db.AddRangeAsync(one), _db.Blogs.AddRangeAsync(two));
                        await Task.WhenAll(_db.Blogs.AddAsync(one).AsTask(), _db.Blogs.AddAsync(two).AsTask());
                    }
                }

                static class BulkExtensions
                {
                    public static Task<int> DeleteAsync<T>(this IQueryable<T> query) => Task.FromResult(0);
                    public static async Task<Post?> GetEntityAsync(this DbSet<Post> set, int id) => await set.FindAsync(id);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_awaits_direct_calls_one_after_another()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, Blog blog)
                    {
                        db.Blogs.Add(blog);
                        // save and count
                        await Task.{|#0:WhenAll|}(db.SaveChangesAsync(), db.Posts.CountAsync());
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, Blog blog)
                    {
                        db.Blogs.Add(blog);
                        // save and count
                        await db.SaveChangesAsync();
                        await db.Posts.CountAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, Verifiers.EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "Task.WhenAll over its tasks"));
        }

        [Fact]
        public async Task Fix_moves_the_await_to_task_locals_and_Fix_All_fixes_every_WhenAll()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var blogs = db.Blogs.ToListAsync();
                        var count = db.Posts.CountAsync();
                        await Task.{|#0:WhenAll|}(blogs, count);
                        return blogs.Result.Count + await count;
                    }

                    async Task N(BlogContext db)
                    {
                        await Task.{|#1:WhenAll|}(db.Blogs.CountAsync(), db.Posts.CountAsync());
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var blogs = await db.Blogs.ToListAsync();
                        var count = await db.Posts.CountAsync();
                        return blogs.Count + count;
                    }

                    async Task N(BlogContext db)
                    {
                        await db.Blogs.CountAsync();
                        await db.Posts.CountAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, Verifiers.EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "Task.WhenAll over its tasks"),
                VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("db", "Task.WhenAll over its tasks"));
        }

        [Fact]
        public async Task No_fix_for_WhenAny_Select_or_used_results()
        {
            var source = """
                class C
                {
                    async Task<int[]> M(BlogContext db)
                    {
                        return await Task.{|#0:WhenAll|}(db.Blogs.CountAsync(), db.Posts.CountAsync());
                    }

                    async Task N(BlogContext db, List<int> ids)
                    {
                        await Task.{|#1:WhenAll|}(ids.Select(id => db.Posts.CountAsync(p => p.BlogId == id)));
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP402").WithLocation(0).WithArguments("db", "Task.WhenAll over its tasks"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP402").WithLocation(1).WithArguments("db", "Task.WhenAll over one task per element: Select(async ...) or a loop"));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("async Task M(BlogContext db) { await Task.WhenAll(db.Blogs.ToListAsync(), db.Posts.); }")]
        [InlineData("async Task M(BlogContext db) { await Task.WhenAll(db.Missing.ToListAsync(), db.Missing.CountAsync()); }")]
        [InlineData("async Task M(Missing db) { await Task.WhenAll(db.Blogs.ToListAsync(), db.Blogs.CountAsync()); }")]
        [InlineData("void M(BlogContext db) { Parallel.ForEach(new[] { 1 }, id => db.Postz.Where(p => p.BlogId == id).ToList()); }")]
        [InlineData("async Task M(BlogContext db) { await Task.WhenAll(db.Posts.Missing().DeleteAsync(), db.Blogs.Nope(1)); }")]
        public async Task Half_typed_code_does_not_throw(string member)
        {
            var test = VerifyCS.Create("class C { " + member + " }", "class C { " + member + " }");
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            test.TestBehaviors |= Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipGeneratedCodeCheck;
            await test.RunAsync();
        }
    }
}
