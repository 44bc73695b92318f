using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.SameQueryRunsTwiceAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class SameQueryRunsTwiceTests
    {
        // ---- reports ----

        [Fact]
        public async Task Reports_a_query_local_loaded_twice()
        {
            var source = """
                class C
                {
                    async Task<int> M(BlogContext db, int blogId, CancellationToken ct)
                    {
                        var query = db.Posts.Where(p => p.BlogId == blogId);
                        var posts = await query.ToListAsync(ct);
                        var again = await query.{|#0:ToListAsync|}(ct);
                        return posts.Count + again.Count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("ToListAsync", "ToListAsync", "6"));
        }

        [Fact]
        public async Task Setup_code_is_silent_unless_the_option_reports_it()
        {
            // smtp4dev checks Messages.Any() twice while repairing its data at start-up, right after Database.Migrate(): once.
            var source = """
                class C
                {
                    public void Configure(List<Action<BlogContext>> hooks)
                    {
                        hooks.Add(db =>
                        {
                            db.Database.Migrate();
                            var max = db.Posts.Any() ? db.Posts.Max(p => p.Views) : 0;
                            if (!db.Posts.{|#0:Any|}() && max > 0) { }
                        });
                    }

                    public void SeedPosts(BlogContext db)
                    {
                        if (db.Blogs.Any()) { }
                        if (db.Blogs.{|#1:Any|}()) { }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);

            var test = VerifyCS.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.EFP310.report_seeding_code = true\n"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("Any", "Any", "8"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP310").WithLocation(1).WithArguments("Any", "Any", "15"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_two_foreach_over_one_query_local()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        IQueryable<Post> published = db.Posts.Where(p => p.IsPublished);
                        foreach (var p in published) { Console.WriteLine(p.Title); }
                        foreach (var p in {|#0:published|}) { Console.WriteLine(p.Views); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("foreach", "foreach", "6"));
        }

        [Fact]
        public async Task Reports_AttachRange_then_ForEachAsync()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var stale = db.Posts.Where(p => p.Views == 0);
                        db.AttachRange(stale);
                        await stale.{|#0:ForEachAsync|}(p => Console.WriteLine(p.Id));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("ForEachAsync", "AttachRange", "6"));
        }

        [Fact]
        public async Task Reports_an_IEnumerable_local_counted_then_enumerated()
        {
            var source = """
                class C
                {
                    int M(BlogContext db)
                    {
                        IEnumerable<Post> posts = db.Posts.Where(p => p.IsPublished);
                        var total = posts.Count();
                        foreach (var p in {|#0:posts|}) { total += p.Views; }
                        return total;
                    }

                    List<Post> Any(BlogContext db)
                    {
                        IEnumerable<Post> posts = db.Posts.Where(p => p.Views > 10).OrderBy(p => p.Id);
                        if (!posts.Any())
                        {
                            return new List<Post>();
                        }

                        return posts.{|#1:ToList|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("foreach", "Count", "6"),
                VerifyCS.Diagnostic("EFP310").WithLocation(1).WithArguments("ToList", "Any", "14"));
        }

        [Fact]
        public async Task Reports_an_identical_query_written_twice()
        {
            var source = """
                class C
                {
                    async Task<(int, List<Post>)> M(BlogContext db, int blogId)
                    {
                        var first = await db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).ToListAsync();
                        var count = first.Count;
                        var second = await db.Posts
                            .Where(p => p.BlogId == blogId)
                            .OrderBy(p => p.Id)
                            .{|#0:ToListAsync|}();
                        return (count, second);
                    }

                    int Counts(BlogContext db)
                    {
                        var a = db.Blogs.Count(b => b.Rating > 3);
                        var b = db.Blogs.{|#1:Count|}(b => b.Rating > 3);
                        return a + b;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("ToListAsync", "ToListAsync", "5"),
                VerifyCS.Diagnostic("EFP310").WithLocation(1).WithArguments("Count", "Count", "16"));
        }

        [Fact]
        public async Task Reports_the_same_terminal_twice_on_a_query_local_and_inside_an_if_after_the_first()
        {
            var source = """
                class C
                {
                    int M(BlogContext db, bool verbose)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        var n = q.Count();
                        if (verbose)
                        {
                            Console.WriteLine(q.{|#0:Count|}());
                        }

                        return n;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("Count", "Count", "6"));
        }

        [Fact]
        public async Task Reports_inside_one_handler_lambda()
        {
            var source = """
                class C
                {
                    Func<BlogContext, int> Handler() => db =>
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        var a = q.ToList();
                        var b = q.{|#0:ToList|}();
                        return a.Count + b.Count;
                    };
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("ToList", "ToList", "6"));
        }

        [Fact]
        public async Task Reports_two_foreach_over_an_IEnumerable_local_and_Load_then_ToList()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        IEnumerable<Blog> blogs = db.Blogs.Where(b => b.Rating > 3);
                        foreach (var b in blogs) { Console.WriteLine(b.Name); }
                        foreach (var b in {|#0:blogs|}) { Console.WriteLine(b.Url); }
                    }

                    List<Post> Load(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.Views > 3);
                        q.Load();
                        return q.{|#1:ToList|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP310").WithLocation(0).WithArguments("foreach", "foreach", "6"),
                VerifyCS.Diagnostic("EFP310").WithLocation(1).WithArguments("ToList", "Load", "13"));
        }

        // ---- does not report: by design ----

        [Fact]
        public async Task Silent_for_count_and_page_on_one_query()
        {
            var source = """
                class C
                {
                    async Task<(int, List<Post>)> M(BlogContext db, int page)
                    {
                        var q = db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id);
                        var total = await q.CountAsync();
                        var items = await q.Skip(page * 20).Take(20).ToListAsync();
                        return (total, items);
                    }

                    async Task<List<Post>> Unpaged(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        if (!await q.AnyAsync())
                        {
                            return new List<Post>();
                        }

                        var n = await q.CountAsync();
                        return await q.ToListAsync();
                    }

                    Post AnyThenFirst(BlogContext db)
                    {
                        IEnumerable<Post> posts = db.Posts.Where(p => p.IsPublished);
                        return posts.Any() ? posts.First() : null;
                    }

                    Post AnyThenFirstSequential(BlogContext db)
                    {
                        IEnumerable<Post> posts = db.Posts.Where(p => p.IsPublished);
                        if (!posts.Any()) return null;
                        return posts.First();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_exclusive_branches_and_early_return()
        {
            var source = """
                class C
                {
                    List<Post> IfElse(BlogContext db, bool a)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        if (a) { return q.ToList(); }
                        else { return q.OrderBy(p => p.Id).ToList(); }
                    }

                    List<Post> Early(BlogContext db, bool a)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        if (a)
                        {
                            var list = q.ToList();
                            return list;
                        }

                        return q.ToList();
                    }

                    int Switch(BlogContext db, int kind)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        switch (kind)
                        {
                            case 1: return q.ToList().Count;
                            default: return q.ToList().Count;
                        }
                    }

                    List<Post> Ternary(BlogContext db, bool a)
                        => a ? db.Posts.Where(p => p.IsPublished).ToList() : db.Posts.Where(p => p.IsPublished).ToList();

                    int SwitchExpression(BlogContext db, int kind)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        return kind switch { 1 => q.ToList().Count, _ => q.ToList().Count };
                    }

                    List<Post> Retry(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        try { return q.ToList(); }
                        catch (TimeoutException) { return q.ToList(); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_a_write_or_an_await_sits_between()
        {
            var source = """
                class C
                {
                    async Task<List<Post>> Save(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.Views == 0);
                        foreach (var p in await q.ToListAsync()) { p.Views = 1; }
                        await db.SaveChangesAsync();
                        return await q.ToListAsync();
                    }

                    async Task<List<Post>> Bulk(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.Views == 0);
                        var before = await q.ToListAsync();
                        await db.Posts.Where(p => p.Views < 0).ExecuteUpdateAsync(s => s.SetProperty(p => p.Views, 0));
                        return await q.ToListAsync();
                    }

                    async Task<List<Post>> Transaction(BlogContext db)
                    {
                        var before = db.Posts.Where(p => p.Views == 0).ToList();
                        using var tx = db.Database.BeginTransaction();
                        return db.Posts.Where(p => p.Views == 0).ToList();
                    }

                    async Task<List<Post>> Poll(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.Views == 0);
                        var before = await q.ToListAsync();
                        await Task.Delay(1000);
                        return await q.ToListAsync();
                    }

                    List<Post> Raw(BlogContext db)
                    {
                        var before = db.Posts.Where(p => p.Views == 0).ToList();
                        db.Database.ExecuteSqlRaw("UPDATE Posts SET Views = 0");
                        return db.Posts.Where(p => p.Views == 0).ToList();
                    }

                    List<Post> Helper(BlogContext db)
                    {
                        var before = db.Posts.Where(p => p.Views == 0).ToList();
                        Reset(db);
                        return db.Posts.Where(p => p.Views == 0).ToList();
                    }

                    void Reset(BlogContext db) => db.SaveChanges();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_changed_arguments_reassigned_locals_and_other_contexts()
        {
            var source = """
                class C
                {
                    int Mutated(BlogContext db, int min)
                    {
                        var q = db.Posts.Where(p => p.Views > min);
                        var a = q.ToList();
                        min = 100;
                        var b = q.ToList();
                        return a.Count + b.Count;
                    }

                    int Reassigned(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        var a = q.ToList();
                        q = q.Where(p => p.Views > 3);
                        var b = q.ToList();
                        return a.Count + b.Count;
                    }

                    int DifferentArguments(BlogContext db, int x, int y)
                    {
                        var a = db.Posts.Where(p => p.BlogId == x).ToList();
                        var b = db.Posts.Where(p => p.BlogId == y).ToList();
                        return a.Count + b.Count;
                    }

                    int SameNameOtherSymbol(BlogContext db, int[] ids)
                    {
                        var total = 0;
                        {
                            var id = ids[0];
                            total += db.Posts.Where(p => p.BlogId == id).Count();
                        }
                        {
                            var id = ids[1];
                            total += db.Posts.Where(p => p.BlogId == id).Count();
                        }
                        return total;
                    }

                    int Incremented(BlogContext db, int page)
                    {
                        var a = db.Posts.Skip(page).Take(10).ToList();
                        page++;
                        var b = db.Posts.Skip(page).Take(10).ToList();
                        return a.Count + b.Count;
                    }

                    int TwoContexts()
                    {
                        int a, b;
                        using (var db = new BlogContext()) { a = db.Posts.Count(); }
                        using (var db = new BlogContext()) { b = db.Posts.Count(); }
                        return a + b;
                    }

                    int TwoContextParameters(BlogContext one, BlogContext two)
                        => one.Posts.Count() + two.Posts.Count();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_in_loops_lambdas_and_over_in_memory_sequences()
        {
            var source = """
                class C
                {
                    void Loop(BlogContext db, int[] blogIds)
                    {
                        foreach (var id in blogIds)
                        {
                            var q = db.Posts.Where(p => p.BlogId == id);
                            var n = q.Count();
                            var list = q.ToList();
                            var again = q.ToList();
                        }
                    }

                    void Polling(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.Views == 0);
                        while (q.Any()) { Console.WriteLine(q.ToList().Count); }
                    }

                    Func<int> Later(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        var now = q.ToList();
                        return () => q.ToList().Count;
                    }

                    int Lists(BlogContext db)
                    {
                        var list = db.Posts.Where(p => p.IsPublished).ToList();
                        IEnumerable<Post> seq = list;
                        var n = seq.Count();
                        foreach (var p in seq) { n += p.Views; }
                        var arr = list.ToArray();
                        foreach (var p in arr) { }
                        foreach (var p in arr) { }
                        return n + list.ToList().Count + list.ToList().Count;
                    }

                    int Queryable(List<Post> source)
                    {
                        var q = source.AsQueryable().Where(p => p.IsPublished);
                        return q.ToList().Count + q.ToList().Count;
                    }

                    int FromParameter(IQueryable<Post> q) => q.ToList().Count + q.ToList().Count;

                    int MaybeList(BlogContext db, bool cached, List<Post> cache)
                    {
                        IEnumerable<Post> posts = cached ? cache : db.Posts.Where(p => p.IsPublished);
                        return posts.Count() + posts.ToList().Count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_streams_in_different_methods_and_different_terminals_written_inline()
        {
            var source = """
                class C
                {
                    async Task A(BlogContext db)
                    {
                        await foreach (var p in db.Posts.AsAsyncEnumerable()) { Console.WriteLine(p.Id); }
                    }

                    async Task B(BlogContext db)
                    {
                        await foreach (var p in db.Posts.AsAsyncEnumerable()) { Console.WriteLine(p.Id); }
                    }

                    int Different(BlogContext db)
                        => db.Posts.Count(p => p.IsPublished) + db.Posts.Where(p => p.IsPublished).ToList().Count
                           + db.Posts.Count(p => p.Views > 1);

                    void Find(BlogContext db, int id)
                    {
                        var a = db.Posts.Find(id);
                        var b = db.Posts.Find(id);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_raw_sql_that_may_change_data_or_return_new_values()
        {
            var source = """
                class C
                {
                    int M(BlogContext db)
                    {
                        var a = db.Posts.FromSqlRaw("EXEC dbo.NextBatch").ToList();
                        var b = db.Posts.FromSqlRaw("EXEC dbo.NextBatch").ToList();
                        var q = db.Posts.FromSqlRaw("SELECT * FROM Posts");
                        return a.Count + b.Count + q.ToList().Count + q.ToList().Count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_in_test_classes()
        {
            var source = """
                [AttributeUsage(AttributeTargets.Method)] class FactAttribute : Attribute { }

                class PostTests
                {
                    [Fact]
                    void Reads_back(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.IsPublished);
                        var a = q.ToList();
                        var b = q.ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        // ---- half-typed code ----

        [Fact]
        public async Task Silent_on_code_that_does_not_bind()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var q = db.Posts.Where(p => p.{|CS1061:Missing|});
                        var a = q.ToList();
                        var b = q.ToList();
                        var x = db.{|CS1061:Nope|}.ToList();
                        var y = db.{|CS1061:Nope|}.ToList();
                    }

                    void Between(BlogContext db)
                    {
                        var a = db.Posts.ToList();
                        {|CS0103:Unknown|}(db);
                        var b = db.Posts.ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
