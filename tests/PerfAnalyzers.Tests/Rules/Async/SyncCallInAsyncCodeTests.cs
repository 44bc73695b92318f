using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Async.SyncCallInAsyncCodeFixer>;

namespace PerfAnalyzers.Tests.Rules.Async
{
    public class SyncCallInAsyncCodeTests
    {
        [Theory]
        [InlineData("db.Posts.{|#0:ToList|}()", "ToList", "ToListAsync")]
        [InlineData("db.Posts.Where(p => p.IsPublished).{|#0:ToArray|}()", "ToArray", "ToArrayAsync")]
        [InlineData("db.Posts.{|#0:First|}(p => p.Id == 1)", "First", "FirstAsync")]
        [InlineData("db.Posts.{|#0:SingleOrDefault|}(p => p.Id == 1)", "SingleOrDefault", "SingleOrDefaultAsync")]
        [InlineData("db.Posts.{|#0:Count|}()", "Count", "CountAsync")]
        [InlineData("db.Posts.{|#0:Any|}(p => p.Views > 10)", "Any", "AnyAsync")]
        [InlineData("db.Posts.{|#0:Max|}(p => p.Views)", "Max", "MaxAsync")]
        [InlineData("db.Posts.Select(p => p.Views).{|#0:Sum|}()", "Sum", "SumAsync")]
        [InlineData("db.Posts.{|#0:ToDictionary|}(p => p.Id)", "ToDictionary", "ToDictionaryAsync")]
        [InlineData("db.Posts.{|#0:Find|}(1)", "Find", "FindAsync")]
        [InlineData("db.{|#0:Find<Post>|}(1)", "Find", "FindAsync")]
        [InlineData("db.{|#0:SaveChanges|}()", "SaveChanges", "SaveChangesAsync")]
        [InlineData("db.Posts.Where(p => p.Views == 0).{|#0:ExecuteDelete|}()", "ExecuteDelete", "ExecuteDeleteAsync")]
        [InlineData("db.Database.{|#0:ExecuteSqlRaw|}(\"DELETE FROM Posts\")", "ExecuteSqlRaw", "ExecuteSqlRawAsync")]
        [InlineData("db.Database.{|#0:BeginTransaction|}()", "BeginTransaction", "BeginTransactionAsync")]
        [InlineData("db.Posts.Where(p => p.BlogId == 1).{|#0:Load|}()", "Load", "LoadAsync")]
        [InlineData("db.Posts.{|#0:ToHashSet|}()", "ToHashSet", "ToHashSetAsync")]
        public async Task Reports_sync_round_trips_in_async_methods(string call, string syncName, string asyncName)
        {
            var source = $$"""
                class C
                {
                    async Task M(BlogContext db)
                    {
                        await Task.Yield();
                        {{call}};
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments(syncName, asyncName));
        }

        [Fact]
        public async Task Reports_in_async_lambdas_local_functions_and_navigation_loads()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, Blog blog, List<Func<Task>> work)
                    {
                        work.Add(async () => { await Task.Yield(); db.Blogs.{|#0:ToList|}(); });
                        Func<Task<int>> f = async () => db.Posts.{|#1:Count|}();

                        async Task Local()
                        {
                            await Task.Yield();
                            db.Entry(blog).Collection(b => b.Posts).{|#2:Load|}();
                            db.Entry(blog).Reference(b => b.Author).{|#3:Load|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("ToList", "ToListAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("Count", "CountAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(2).WithArguments("Load", "LoadAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(3).WithArguments("Load", "LoadAsync"));
        }

        [Fact]
        public async Task Reports_foreach_over_a_query_and_transaction_commit()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        using var tx = await db.Database.BeginTransactionAsync();
                        foreach (var post in {|#0:db.Posts.Where(p => p.IsPublished)|})
                        {
                            post.Views++;
                        }

                        await db.SaveChangesAsync();
                        tx.{|#1:Commit|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("foreach", "await foreach over AsAsyncEnumerable()"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("Commit", "CommitAsync"));
        }

        [Fact]
        public async Task Is_silent_where_the_context_runs_on_SQLite_only()
        {
            // Microsoft.Data.Sqlite runs the async methods synchronously: an awaited ToListAsync holds its thread as ToList
            // does, so the change gains nothing (TeslaSolarCharger: 10 of 11 findings). Through the context, an interface
            // only that context implements, its Database facade, and a transaction the method began on that facade. A
            // transaction that comes from elsewhere (a parameter) does not name its context: silent only when every source
            // context runs on SQLite, and BlogContext (the base here) is configured nowhere.
            var source = """
                using Microsoft.Extensions.DependencyInjection;

                public interface IPostData { DbSet<Post> Posts { get; } }
                public class SqliteBlogContext : BlogContext, IPostData { }

                static class Setup
                {
                    static void Configure(IServiceCollection services)
                        => services.AddDbContext<SqliteBlogContext>(o => o.UseSqlite("Data Source=blog.db"));
                }

                class C
                {
                    async Task<int> M(SqliteBlogContext db, IPostData data, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction given)
                    {
                        await Task.Yield();
                        var posts = db.Posts.ToList();
                        var count = data.Posts.Count();
                        using var tx = db.Database.BeginTransaction();
                        foreach (var post in db.Posts.Where(p => p.IsPublished)) { post.Views++; }
                        db.SaveChanges();
                        tx.Commit();
                        given.{|#0:Commit|}();
                        return posts.Count + count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("Commit", "CommitAsync"));
        }

        [Fact]
        public async Task Reports_where_the_context_can_also_run_on_another_provider_or_its_provider_is_not_visible()
        {
            // The same context also registered for SQL Server (a switch on configuration): the async call frees a thread there.
            var twoProviders = """
                using Microsoft.Extensions.DependencyInjection;

                public class AppContext2 : BlogContext { }
                // A stand-in for Microsoft.EntityFrameworkCore.SqlServer's extension (not referenced by the tests).
                static class SqlServerStandIn { public static DbContextOptionsBuilder UseSqlServer(this DbContextOptionsBuilder b, string c) => b; }

                static class Setup
                {
                    static void Configure(IServiceCollection services, bool postgres)
                    {
                        if (postgres) { services.AddDbContext<AppContext2>(o => o.UseSqlServer("Server=db")); }
                        else { services.AddDbContext<AppContext2>(o => o.UseSqlite("Data Source=app.db")); }
                    }
                }

                class C
                {
                    async Task<int> M(AppContext2 db)
                    {
                        await Task.Yield();
                        return db.Posts.{|#0:Count|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(twoProviders, VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("Count", "CountAsync"));

            // A SQLite context beside a SQL Server one: a query through the SQL Server context, and one through EF's DbContext
            // base (either of them), still report.
            var mixed = """
                using Microsoft.Extensions.DependencyInjection;

                public class LocalContext : BlogContext { }
                public class RemoteContext : BlogContext { }
                // A stand-in for Microsoft.EntityFrameworkCore.SqlServer's extension (not referenced by the tests).
                static class SqlServerStandIn { public static DbContextOptionsBuilder UseSqlServer(this DbContextOptionsBuilder b, string c) => b; }

                static class Setup
                {
                    static void Configure(IServiceCollection services)
                    {
                        services.AddDbContext<LocalContext>(o => o.UseSqlite("Data Source=app.db"));
                        services.AddDbContext<RemoteContext>(o => o.UseSqlServer("Server=db"));
                    }
                }

                class C
                {
                    async Task<int> M(LocalContext local, RemoteContext remote, DbContext any)
                    {
                        await Task.Yield();
                        return local.Posts.Count() + remote.Posts.{|#0:Count|}() + any.Set<Post>().{|#1:Count|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                mixed,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("Count", "CountAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("Count", "CountAsync"));
        }

        [Fact]
        public async Task Does_not_report_near_misses()
        {
            var source = """
                using System.Linq.Expressions;

                class C
                {
                    // Not async: nothing to await.
                    List<Post> Sync(BlogContext db) => db.Posts.ToList();

                    // A sync lambda inside an async method runs elsewhere (Task.Run, a LINQ-to-objects delegate).
                    async Task<int> SyncLambda(BlogContext db)
                    {
                        var n = await Task.Run(() => db.Posts.Count());
                        return n;
                    }

                    async Task Others(BlogContext db, List<Post> posts, IEnumerable<Post> enumerable)
                    {
                        // Add/AddRange: AddAsync is only for HiLo-style value generators.
                        db.Posts.Add(new Post());
                        db.AddRange(new Post(), new Post());
                        db.Add(new Blog());
                        // In-memory collections, including lists a query produced.
                        var list = await db.Posts.ToListAsync();
                        var count = list.Count();
                        var first = posts.First();
                        var any = enumerable.Any();
                        foreach (var p in list) { }
                        // Already async.
                        await db.SaveChangesAsync();
                        await foreach (var p in db.Posts.AsAsyncEnumerable()) { }
                        // Code in Expression<T> is SQL.
                        var q = db.Blogs.Where(b => b.Posts.Count() > 2 && b.Posts.Any());
                        Expression<Func<Blog, int>> e = b => b.Posts.Count();
                        // Enumerable on a Func predicate: no Async form keeps its meaning (EFP307's business).
                        Func<Post, bool> pred = p => p.IsPublished;
                        var viaFunc = db.Posts.Where(pred).ToList();
                        // Building a query is not a round trip.
                        var query = db.Posts.Where(p => p.Views > 2).OrderBy(p => p.Id);
                        await Task.Yield();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_the_sync_half_of_a_sync_async_pair_the_code_chooses_between()
        {
            // Dual-mode code: one implementation behind a sync and an async API picks the sync call only for sync callers.
            var source = """
                class C
                {
                    async Task<Post?> Find(BlogContext db, int id, bool async)
                        => async ? await db.Posts.FirstOrDefaultAsync(p => p.Id == id) : db.Posts.FirstOrDefault(p => p.Id == id);

                    async Task<int> Save(BlogContext db, bool async)
                    {
                        using var tx = async ? await db.Database.BeginTransactionAsync() : db.Database.BeginTransaction();
                        int n;
                        if (async)
                        {
                            n = await db.SaveChangesAsync();
                            await tx.CommitAsync();
                        }
                        else
                        {
                            n = db.SaveChanges();
                            tx.Commit();
                        }

                        return n;
                    }

                    async Task<int> Optimize(BlogContext db, bool async)
                    {
                        if (async)
                        {
                            await db.Database.ExecuteSqlRawAsync("VACUUM");
                            return await db.Database.ExecuteSqlRawAsync("ANALYZE");
                        }

                        db.Database.ExecuteSqlRaw("VACUUM");
                        return db.Database.ExecuteSqlRaw("ANALYZE");
                    }

                    async Task<int> Total(IQueryable<Post> source)
                        => source is IAsyncEnumerable<Post> ? await source.CountAsync() : source.Count();

                    Task<long> Size(BlogContext db, bool async)
                        => async ? db.Posts.LongCountAsync() : Task.FromResult(db.Posts.LongCount());
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_a_sync_call_whose_condition_does_not_choose_its_async_counterpart()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, bool flag)
                    {
                        // The other branch awaits something else: the sync call is not one half of a pair.
                        var n = flag ? await db.Posts.CountAsync() : db.Posts.{|#0:Sum|}(p => p.Views);
                        // The async branch does not leave: both run when the flag is set.
                        if (flag)
                        {
                            await db.Posts.ToListAsync();
                        }

                        db.Posts.{|#1:ToList|}();
                        // The pair is in a lambda: the sync call outside it is not chosen by its condition.
                        Func<Task<int>> f = async () => flag ? await db.Blogs.CountAsync() : 0;
                        db.Blogs.{|#2:Count|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("Sum", "SumAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("ToList", "ToListAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(2).WithArguments("Count", "CountAsync"));
        }

        [Fact]
        public async Task Does_not_report_in_top_level_statements()
        {
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer>.Create("""
                var db = new BlogContext();
                db.Database.EnsureCreated();
                var posts = db.Posts.ToList();
                await Task.Yield();
                """);
            test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
            await test.RunAsync();
        }

        [Fact]
        public async Task ToHashSetAsync_and_ExecuteDelete_only_where_the_EF_version_has_them()
        {
            // EF Core 8 has no ToHashSetAsync (added in EF Core 9): ToHashSet is left alone there.
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        await Task.Yield();
                        var set = db.Posts.ToHashSet();
                        var n = db.Posts.Where(p => p.Views == 0).{|#0:ExecuteDelete|}();
                        var m = db.Posts.{|#1:ExecuteUpdate|}(s => s.SetProperty(p => p.Views, 0));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("ExecuteDelete", "ExecuteDeleteAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("ExecuteUpdate", "ExecuteUpdateAsync"));
        }

        [Fact]
        public async Task Fix_awaits_the_async_form_and_passes_the_token()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, int id, CancellationToken ct)
                    {
                        var posts = db.Posts.Where(p => p.BlogId == id).{|EFP401:ToList|}();
                        var post = db.Posts.{|EFP401:Find|}(id, 2);
                        var exists = !db.Posts.{|EFP401:Any|}(p => p.Id == id);
                        db.{|EFP401:SaveChanges|}(acceptAllChangesOnSuccess: true);
                        return db.Posts.{|EFP401:ToList|}().Count + posts.Count;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db, int id, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.BlogId == id).ToListAsync(ct);
                        var post = await db.Posts.FindAsync(new object[] { id, 2 }, ct);
                        var exists = !await db.Posts.AnyAsync(p => p.Id == id, ct);
                        await db.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken: ct);
                        return (await db.Posts.ToListAsync(ct)).Count + posts.Count;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_without_a_token_or_with_two_tokens_passes_none()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        await Task.Yield();
                        var n = db.Posts.{|EFP401:Count|}();
                        var b = db.{|EFP401:Find<Blog>|}(1);
                    }

                    async Task N(BlogContext db, CancellationToken a, CancellationToken b)
                    {
                        await Task.Yield();
                        var first = db.Posts.OrderBy(p => p.Id).{|EFP401:FirstOrDefault|}();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        await Task.Yield();
                        var n = await db.Posts.CountAsync();
                        var b = await db.FindAsync<Blog>(1);
                    }

                    async Task N(BlogContext db, CancellationToken a, CancellationToken b)
                    {
                        await Task.Yield();
                        var first = await db.Posts.OrderBy(p => p.Id).FirstOrDefaultAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_uses_a_local_token_and_rewrites_foreach_and_raw_sql()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, Blog blog, int minViews)
                    {
                        using var cts = new CancellationTokenSource();
                        var token = cts.Token;
                        foreach (var post in {|EFP401:db.Posts|})
                        {
                            post.Views++;
                        }

                        db.Entry(blog).Collection(b => b.Posts).{|EFP401:Load|}();
                        db.Database.{|EFP401:ExecuteSqlRaw|}("UPDATE Posts SET Views = {0} WHERE Views < {1}", 0, minViews);
                        db.Database.{|EFP401:ExecuteSql|}($"DELETE FROM Posts WHERE Views < {minViews}");
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, Blog blog, int minViews)
                    {
                        using var cts = new CancellationTokenSource();
                        var token = cts.Token;
                        await foreach (var post in db.Posts.AsAsyncEnumerable().WithCancellation(token))
                        {
                            post.Views++;
                        }

                        await db.Entry(blog).Collection(b => b.Posts).LoadAsync(token);
                        await db.Database.ExecuteSqlRawAsync("UPDATE Posts SET Views = {0} WHERE Views < {1}", new object[] { 0, minViews }, token);
                        await db.Database.ExecuteSqlAsync($"DELETE FROM Posts WHERE Views < {minViews}", token);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_inside_async_lambda_keeps_surrounding_code()
        {
            var source = """
                class C
                {
                    Func<CancellationToken, Task<List<string>>> M(BlogContext db)
                        => async ct => db.Blogs.Where(b => b.Rating > 3).Select(b => b.Name).{|EFP401:ToList|}();
                }
                """;
            var fixedSource = """
                class C
                {
                    Func<CancellationToken, Task<List<string>>> M(BlogContext db)
                        => async ct => await db.Blogs.Where(b => b.Rating > 3).Select(b => b.Name).ToListAsync(ct);
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task No_fix_inside_lock()
        {
            var source = """
                class C
                {
                    private readonly object _gate = new();

                    async Task M(BlogContext db)
                    {
                        await Task.Yield();
                        lock (_gate)
                        {
                            var n = db.Posts.{|EFP401:Count|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Fix_adds_the_ef_using_when_missing()
        {
            var test = new PerfTest<PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer, PerfAnalyzers.CodeFixes.Rules.Async.SyncCallInAsyncCodeFixer>(EfVersion.Ef10, includeModel: false);
            test.TestState.Sources.Add(("/0/Model.cs", """
                public class Item { public int Id { get; set; } }
                public class ItemContext : Microsoft.EntityFrameworkCore.DbContext
                {
                    public Microsoft.EntityFrameworkCore.DbSet<Item> Items { get; set; }
                }
                """));
            test.TestState.Sources.Add("""
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> M(ItemContext db)
                    {
                        await Task.Yield();
                        return db.Items.{|EFP401:Count|}();
                    }
                }
                """);
            test.FixedState.Sources.Add(("/0/Model.cs", """
                public class Item { public int Id { get; set; } }
                public class ItemContext : Microsoft.EntityFrameworkCore.DbContext
                {
                    public Microsoft.EntityFrameworkCore.DbSet<Item> Items { get; set; }
                }
                """));
            test.FixedState.Sources.Add("""
                using System.Linq;
                using System.Threading.Tasks;
                using Microsoft.EntityFrameworkCore;

                class C
                {
                    async Task<int> M(ItemContext db)
                    {
                        await Task.Yield();
                        return await db.Items.CountAsync();
                    }
                }
                """);
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_all_in_document_and_nested_calls()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        foreach (var blog in {|EFP401:db.Blogs|})
                        {
                            var count = db.Posts.{|EFP401:Count|}(p => p.BlogId == blog.Id);
                            if (db.Posts.{|EFP401:Any|}(p => p.Views > count))
                            {
                                db.{|EFP401:SaveChanges|}();
                            }
                        }
                    }

                    async Task N(BlogContext db)
                    {
                        var n = db.Posts.{|EFP401:Count|}() + db.Blogs.{|EFP401:Count|}();
                        await Task.Yield();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        await foreach (var blog in db.Blogs.AsAsyncEnumerable().WithCancellation(ct))
                        {
                            var count = await db.Posts.CountAsync(p => p.BlogId == blog.Id, ct);
                            if (await db.Posts.AnyAsync(p => p.Views > count, ct))
                            {
                                await db.SaveChangesAsync(ct);
                            }
                        }
                    }

                    async Task N(BlogContext db)
                    {
                        var n = await db.Posts.CountAsync() + await db.Blogs.CountAsync();
                        await Task.Yield();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Ef8_fix_compiles_against_ef8()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        db.Posts.Where(p => p.Views == 0).{|EFP401:ExecuteUpdate|}(s => s.SetProperty(p => p.Views, 1));
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        await db.Posts.Where(p => p.Views == 0).ExecuteUpdateAsync(s => s.SetProperty(p => p.Views, 1), ct);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8);
        }

        [Theory]
        [InlineData("async Task M(BlogContext db) { var x = db.Posts.ToList(")]
        [InlineData("async Task M(BlogContext db) { foreach (var p in db.Posts")]
        [InlineData("async Task M(BlogContext db) { db.SaveChanges(; }")]
        [InlineData("async Task M(BlogContext db) { var x = db.Posts.Frist(); }")]
        [InlineData("async Task M(BlogContext db, CancellationToken) { db.Posts.Find(; }")]
        public async Task Broken_code_does_not_crash(string member)
        {
            var diagnostics = await AnalyzerRunner.RunAsync(new PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer(), "class C { " + member + " }");
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }
            [Theory]
        [InlineData("var posts = db.Posts.ToListAsync().{|#0:Result|};", ".Result", "ToListAsync")]
        [InlineData("db.SaveChangesAsync().{|#0:Wait|}();", ".Wait()", "SaveChangesAsync")]
        [InlineData("var post = db.Posts.FindAsync(1).GetAwaiter().{|#0:GetResult|}();", ".GetAwaiter().GetResult()", "FindAsync")]
        [InlineData("var n = db.Posts.CountAsync().ConfigureAwait(false).GetAwaiter().{|#0:GetResult|}();", ".GetAwaiter().GetResult()", "CountAsync")]
        [InlineData("var task = db.Posts.Where(p => p.IsPublished).FirstAsync(); var first = task.{|#0:Result|};", ".Result", "FirstAsync")]
        [InlineData("var task = db.SaveChangesAsync(); task.{|#0:Wait|}();", ".Wait()", "SaveChangesAsync")]
        public async Task Reports_blocking_waits_on_ef_tasks_in_sync_methods(string statements, string wait, string asyncName)
        {
            var source = $$"""
                class C
                {
                    void M(BlogContext db)
                    {
                        {{statements}}
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Blocking(0, wait, asyncName));
        }

        [Fact]
        public async Task Does_not_report_where_the_author_silenced_another_analyzers_sync_over_async_rule()
        {
            var source = """
                using System.Diagnostics.CodeAnalysis;

                class C
                {
                    async Task<Post[]> Page(BlogContext db)
                    {
                        await Task.Yield();
                #pragma warning disable S6966 // SqlClient reads a large text column asynchronously many times slower
                        var items = db.Posts.Take(10).ToArray();
                #pragma warning restore S6966
                        var count = db.Posts.{|#0:Count|}();
                        return items;
                    }

                    [SuppressMessage("Reliability", "CA1849:Call async methods when in an async method", Justification = "large text column")]
                    async Task<Post[]> Other(BlogContext db)
                    {
                        await Task.Yield();
                        return db.Posts.ToArray();
                    }

                    async Task Waits(BlogContext db)
                    {
                        await Task.Yield();
                #pragma warning disable VSTHRD002, MA0042
                        var n = db.Posts.CountAsync().Result;
                        foreach (var post in db.Posts) { }
                #pragma warning restore VSTHRD002, MA0042
                #pragma warning disable CS0618
                        var m = db.Posts.{|#1:Max|}(p => p.Views);
                        var k = db.Posts.CountAsync().{|#2:Result|};
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP401").WithLocation(0).WithArguments("Count", "CountAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("Max", "MaxAsync"),
                Blocking(2, ".Result", "CountAsync"));
        }

        [Fact]
        public async Task Reports_blocking_waits_in_async_methods_lambdas_and_through_a_local()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<Func<int>> work)
                    {
                        await Task.Yield();
                        var count = db.Posts.CountAsync().{|#0:Result|};
                        var saving = db.SaveChangesAsync();
                        saving.GetAwaiter().{|#1:GetResult|}();
                        work.Add(() => db.Blogs.CountAsync().{|#2:Result|});
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Blocking(0, ".Result", "CountAsync"),
                Blocking(1, ".GetAwaiter().GetResult()", "SaveChangesAsync"),
                Blocking(2, ".Result", "CountAsync"));
        }

        [Fact]
        public async Task Does_not_report_blocking_waits_on_completed_or_non_ef_tasks()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, Task<int> other, List<int> list)
                    {
                        var a = db.Posts.CountAsync();
                        await a;
                        var n = a.Result;

                        var b = db.Blogs.CountAsync();
                        var c = db.Posts.AnyAsync();
                        await Task.WhenAll(b, c);
                        var both = b.Result + (c.Result ? 1 : 0);

                        var d = db.Posts.ToListAsync();
                        await d.ConfigureAwait(false);
                        d.GetAwaiter().GetResult();

                        var e = db.Posts.CountAsync();
                        if (e.IsCompleted) { n += e.Result; }

                        n += other.Result;
                        n += Task.FromResult(3).Result;
                        n += Task.Run(() => 4).Result;
                        Task.Delay(1).Wait();
                        n += list.Count;
                    }

                    int Reassigned(BlogContext db, bool flag)
                    {
                        var t = Task.FromResult(0);
                        if (flag) t = db.Posts.CountAsync();
                        return t.Result;
                    }

                    System.Linq.Expressions.Expression<Func<BlogContext, int>> Tree() => db => db.Posts.CountAsync(default).Result;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_blocking_waits_on_tasks_of_the_projects_own_async_methods()
        {
            var source = """
                public interface IPostStats { Task<int> CountAsync(); }

                class PostStats : IPostStats
                {
                    private readonly BlogContext _db;
                    public PostStats(BlogContext db) => _db = db;
                    public async Task<int> CountAsync() => await _db.Posts.CountAsync();
                    public Task<List<Post>> PublishedAsync() => _db.Posts.Where(p => p.IsPublished).ToListAsync();
                    public async Task SaveAsync() { await Task.Yield(); await Persist(); }
                    private async Task Persist() => await _db.SaveChangesAsync();
                }

                class Controller
                {
                    int Get(IPostStats stats, PostStats concrete)
                    {
                        var n = stats.CountAsync().{|#0:Result|};
                        var posts = concrete.PublishedAsync().GetAwaiter().{|#1:GetResult|}();
                        var task = concrete.SaveAsync();
                        task.{|#2:Wait|}();
                        return n + posts.Count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Blocking(0, ".Result", "PostStats.CountAsync -> CountAsync"),
                Blocking(1, ".GetAwaiter().GetResult()", "PostStats.PublishedAsync -> ToListAsync"),
                Blocking(2, ".Wait()", "PostStats.SaveAsync -> PostStats.Persist -> SaveChangesAsync"));
        }

        [Fact]
        public async Task Does_not_report_blocking_waits_on_project_methods_that_do_not_await_ef()
        {
            var source = """
                class Client
                {
                    private readonly System.Net.Http.HttpClient _http = new();
                    private readonly BlogContext _db = new();
                    private readonly Dictionary<int, int> _cache = new();
                    public async Task<string> FetchAsync() => await _http.GetStringAsync("https://example.org");
                    public Task<int> Constant() => Task.FromResult(3);
                    public Task<int> SyncInside() => Task.FromResult(_db.Posts.Count());
                    public async Task<int> CachedAsync(int id)
                    {
                        if (_cache.TryGetValue(id, out var hit)) return hit;
                        return _cache[id] = await _db.Posts.CountAsync(p => p.BlogId == id);
                    }
                    public async Task<int> OnErrorAsync()
                    {
                        try { return 1; }
                        catch (Exception) { return await _db.Posts.CountAsync(); }
                    }
                }

                class Controller
                {
                    int Get(Client client)
                    {
                        var text = client.FetchAsync().Result;
                        var n = client.Constant().Result + client.SyncInside().Result + client.OnErrorAsync().Result;
                        n += client.CachedAsync(1).GetAwaiter().GetResult();
                        n += Task.FromResult(3).Result;
                        return n + text.Length;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_awaits_a_project_methods_task_only_where_the_method_can_be_async()
        {
            var source = """
                class Service
                {
                    private readonly BlogContext _db = new();
                    public async Task<int> CountAsync() => await _db.Posts.CountAsync();
                }

                class Controller
                {
                    async Task<int> GetAsync(Service service)
                    {
                        await Task.Yield();
                        return service.CountAsync().{|#0:Result|};
                    }

                    int Get(Service service) => service.CountAsync().{|#1:Result|};
                }
                """;
            var fixedSource = """
                class Service
                {
                    private readonly BlogContext _db = new();
                    public async Task<int> CountAsync() => await _db.Posts.CountAsync();
                }

                class Controller
                {
                    async Task<int> GetAsync(Service service)
                    {
                        await Task.Yield();
                        return await service.CountAsync();
                    }

                    int Get(Service service) => service.CountAsync().{|#1:Result|};
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(Blocking(0, ".Result", "Service.CountAsync -> CountAsync"));
            test.ExpectedDiagnostics.Add(Blocking(1, ".Result", "Service.CountAsync -> CountAsync"));
            test.FixedState.ExpectedDiagnostics.Add(Blocking(1, ".Result", "Service.CountAsync -> CountAsync"));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("int M(Service s) => s.CountAsync(undefined).Result;")]
        [InlineData("int M(Service s) => s.CountAsnc().Result;")]
        [InlineData("int M(Service s) => s.CountAsync(.Result;")]
        public async Task Half_typed_waits_on_project_methods_do_not_report_or_crash(string member)
        {
            var source = "class Service { private readonly BlogContext _db = new(); public async Task<int> CountAsync() => await _db.Posts.CountAsync(); } class C { " + member + " }";
            var diagnostics = await AnalyzerRunner.RunAsync(new PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer(), source);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001" || d.Id == "EFP401");
        }

        [Fact]
        public async Task Fix_awaits_the_blocked_task_in_async_methods()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var posts = db.Posts.ToListAsync().{|EFP401:Result|};
                        db.SaveChangesAsync().{|EFP401:Wait|}();
                        var task = db.Posts.FindAsync(1);
                        var post = task.GetAwaiter().{|EFP401:GetResult|}();
                        var n = db.Posts.CountAsync().ConfigureAwait(false).GetAwaiter().{|EFP401:GetResult|}();
                        Func<Task<int>> f = async () => db.Blogs.CountAsync().{|EFP401:Result|};
                        return db.Posts.ToListAsync().{|EFP401:Result|}.Count + posts.Count + n;
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<int> M(BlogContext db)
                    {
                        var posts = await db.Posts.ToListAsync();
                        await db.SaveChangesAsync();
                        var task = db.Posts.FindAsync(1);
                        var post = await task;
                        var n = await db.Posts.CountAsync().ConfigureAwait(false);
                        Func<Task<int>> f = async () => await db.Blogs.CountAsync();
                        return (await db.Posts.ToListAsync()).Count + posts.Count + n;
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_all_awaits_every_blocked_task()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var a = db.Posts.CountAsync().{|EFP401:Result|} + db.Blogs.CountAsync().{|EFP401:Result|};
                        db.SaveChangesAsync().{|EFP401:Wait|}();
                    }

                    async Task N(BlogContext db)
                    {
                        var b = db.Posts.AnyAsync().GetAwaiter().{|EFP401:GetResult|}();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var a = await db.Posts.CountAsync() + await db.Blogs.CountAsync();
                        await db.SaveChangesAsync();
                    }

                    async Task N(BlogContext db)
                    {
                        var b = await db.Posts.AnyAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task No_fix_for_blocking_waits_in_sync_code()
        {
            var source = """
                class C
                {
                    int M(BlogContext db, List<Func<int>> work)
                    {
                        db.SaveChangesAsync().{|EFP401:Wait|}();
                        work.Add(() => db.Blogs.CountAsync().{|EFP401:Result|});
                        var ok = db.SaveChangesAsync().{|EFP401:Wait|}(1000);
                        return db.Posts.CountAsync().{|EFP401:Result|};
                    }

                    async Task N(BlogContext db)
                    {
                        await Task.Yield();
                        var ok = db.SaveChangesAsync().{|EFP401:Wait|}(1000);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, source);
        }

        [Theory]
        [InlineData("void M(BlogContext db) { var x = db.Posts.ToListAsync(tok).Result")]
        [InlineData("void M(BlogContext db) { var x = db.Postz.ToListAsync().Result; }")]
        [InlineData("void M(BlogContext db) { var x = db.Posts.ToListAsync(.Result; }")]
        [InlineData("void M(BlogContext db) { var t = db.Posts.Frist(); t.Wait(); }")]
        [InlineData("void M(BlogContext db) { var t = undefined; var r = t.GetAwaiter().GetResult(); }")]
        [InlineData("void M(BlogContext db) { db.SaveChangesAsync(. }")]
        public async Task Half_typed_blocking_waits_do_not_report_or_crash(string member)
        {
            var diagnostics = await AnalyzerRunner.RunAsync(new PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer(), "class C { " + member + " }");
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            Assert.DoesNotContain(diagnostics, d => d.Id == "EFP401");
        }

        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Blocking(int location, string wait, string asyncName)
            => VerifyCS.Diagnostic(Descriptors.EFP401_BlockingWaitOnEfTask).WithLocation(location).WithArguments(wait, asyncName);

        [Fact]
        public async Task Sync_calls_and_blocking_waits_in_test_classes_are_not_reported()
        {
            // MODiX's repository tests: db.GuildUsers.First(..) and .Count() in async NUnit [Test]s asserting on seeded rows.
            // Blocking waits too: BTCPay Server's tests block on controller actions 29 times (.Result, GetAwaiter().GetResult());
            // the test framework's own analyzer (xUnit1031) is the one that knows its runner's synchronization context.
            var source = """
                namespace TestFramework
                {
                    public sealed class TestAttribute : System.Attribute { }
                }

                public class PostTests
                {
                    [TestFramework.Test]
                    public async Task Adds(BlogContext db)
                    {
                        await Task.Yield();
                        var n = db.Posts.Count();
                        foreach (var p in db.Posts) { }
                        var first = db.Posts.FirstAsync().Result;
                        db.SaveChangesAsync().GetAwaiter().GetResult();
                    }
                }

                public class PostTestHelpers
                {
                    // Not a test class: a blocking wait here is reported.
                    public Post First(BlogContext db) => db.Posts.FirstAsync().{|#0:Result|};
                }

                public class PostService
                {
                    public async Task<int> Count(BlogContext db)
                    {
                        await Task.Yield();
                        return db.Posts.{|#1:Count|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Blocking(0, ".Result", "FirstAsync"),
                VerifyCS.Diagnostic("EFP401").WithLocation(1).WithArguments("Count", "CountAsync"));
        }
    }
}
