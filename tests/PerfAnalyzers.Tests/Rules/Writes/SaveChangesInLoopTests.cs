using System.Threading.Tasks;
using PerfAnalyzers.CodeFixes.Rules.Writes;
using PerfAnalyzers.Rules.Writes;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.SaveChangesInLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.SaveChangesInLoopFixer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class SaveChangesInLoopTests
    {
        [Theory]
        [InlineData("foreach (var name in names)", "foreach")]
        [InlineData("for (var i = 0; i < names.Count; i++)", "for")]
        [InlineData("while (names.Count > 0 && DateTime.Now.Year > 2000)", "while")]
        public async Task Reports_save_in_statement_loops(string loopHeader, string loopName)
        {
            var source = $$"""
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        {{loopHeader}}
                        {
                            db.Blogs.Add(new Blog { Name = "x" });
                            db.{|#0:SaveChanges|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChanges", loopName));
        }

        [Fact]
        public async Task Reports_save_in_do_loop_and_async_save()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, Queue<string> names, CancellationToken ct)
                    {
                        do
                        {
                            db.Blogs.Add(new Blog { Name = names.Dequeue() });
                            await db.{|#0:SaveChangesAsync|}(ct);
                        }
                        while (names.Count > 0);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChangesAsync", "do"));
        }

        [Fact]
        public async Task Reports_save_in_per_element_lambdas()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        blogs.ForEach(b => { b.Rating++; db.{|#0:SaveChanges|}(); });
                        Parallel.ForEach(blogs, b => { db.{|#1:SaveChanges|}(); });
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChanges", "List.ForEach"),
                VerifyCS.Diagnostic("EFP201").WithLocation(1).WithArguments("SaveChanges", "Parallel.ForEach"));
        }

        [Fact]
        public async Task Reports_save_of_derived_context_with_override()
        {
            var source = """
                class AuditContext : BlogContext
                {
                    public override int SaveChanges() => base.SaveChanges();
                }

                class C
                {
                    void M(AuditContext db, string[] names)
                    {
                        foreach (var n in names)
                        {
                            db.Authors.Add(new Author { Name = n });
                            db.{|#0:SaveChanges|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChanges", "foreach"));
        }

        [Fact]
        public async Task Does_not_report_concurrency_retry_loops()
        {
            var source = """
                class C
                {
                    void Break(BlogContext db)
                    {
                        while (true)
                        {
                            try
                            {
                                db.SaveChanges();
                                break;
                            }
                            catch (DbUpdateConcurrencyException ex)
                            {
                                foreach (var entry in ex.Entries) entry.OriginalValues.SetValues(entry.GetDatabaseValues());
                            }
                        }
                    }

                    async Task<int> Return(BlogContext db)
                    {
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            try
                            {
                                return await db.SaveChangesAsync();
                            }
                            catch (DbUpdateConcurrencyException) { }
                        }
                        return 0;
                    }

                    void Flag(BlogContext db)
                    {
                        var saved = false;
                        while (!saved)
                        {
                            try
                            {
                                db.SaveChanges();
                                saved = true;
                            }
                            catch (DbUpdateConcurrencyException) { }
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_saves_in_catch_or_finally()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs)
                        {
                            try { b.Rating++; }
                            catch (Exception) { db.SaveChanges(); }
                            finally { db.SaveChanges(); }
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_periodic_batch_saves()
        {
            var source = """
                class C
                {
                    void Modulo(BlogContext db, IEnumerable<string> lines)
                    {
                        var n = 0;
                        foreach (var line in lines)
                        {
                            db.Blogs.Add(new Blog { Name = line });
                            if (++n % 500 == 0) db.SaveChanges();
                        }
                        db.SaveChanges();
                    }

                    void Counter(BlogContext db, IEnumerable<string> lines)
                    {
                        var pending = new List<Blog>();
                        foreach (var line in lines)
                        {
                            pending.Add(new Blog { Name = line });
                            if (pending.Count >= 1000)
                            {
                                db.Blogs.AddRange(pending);
                                db.SaveChanges();
                                pending.Clear();
                            }
                        }
                    }

                    void Chunks(BlogContext db, string[] names)
                    {
                        foreach (var chunk in names.Chunk(500))
                        {
                            db.Blogs.AddRange(chunk.Select(n => new Blog { Name = n }));
                            db.SaveChanges();
                        }
                    }

                    void Pages(BlogContext db)
                    {
                        while (true)
                        {
                            var page = db.Posts.Where(p => !p.IsPublished).OrderBy(p => p.Id).Take(100).ToList();
                            if (page.Count == 0) break;
                            db.Posts.RemoveRange(page);
                            db.SaveChanges();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_outside_loops_or_in_unknown_callbacks()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        foreach (var b in blogs) b.Rating++;
                        db.SaveChanges();
                        Task.Run(() => db.SaveChanges());
                        foreach (var x in new[] { db.SaveChanges() }) { }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_without_ef_core()
        {
            var source = """
                class DbContext { public int SaveChanges() => 0; }
                class C
                {
                    void M(DbContext db, int[] xs)
                    {
                        foreach (var x in xs) db.SaveChanges();
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<SaveChangesInLoopAnalyzer>.Create(source, EfVersion.None);
            await test.RunAsync();
        }

        [Fact]
        public async Task Does_not_report_a_context_created_per_iteration()
        {
            // A paged job with a fresh context per page (and a checkpoint), a DI scope per item, a Func<TContext> factory,
            // and a context per tenant: each iteration is its own unit of work, the recommended batching pattern.
            var source = """
                using Microsoft.Extensions.DependencyInjection;

                public class Checkpoint { public int Id { get; set; } public int LastId { get; set; } }
                public interface ITenantContexts { BlogContext For(string tenant); }

                class C
                {
                    async Task Paged(IDbContextFactory<BlogContext> factory, CancellationToken ct)
                    {
                        var lastId = 0;
                        while (true)
                        {
                            await using var db = factory.CreateDbContext();
                            var page = await db.Posts.Where(p => p.Id > lastId).OrderBy(p => p.Id).Take(500).ToListAsync(ct);
                            if (page.Count == 0) break;
                            foreach (var post in page) post.Views = 0;
                            lastId = page[^1].Id;
                            db.Add(new Checkpoint { LastId = lastId });
                            await db.SaveChangesAsync(ct);
                        }
                    }

                    void Scoped(IServiceScopeFactory scopes, List<string> names, Func<BlogContext> contextFactory, ITenantContexts tenants)
                    {
                        foreach (var name in names)
                        {
                            using var scope = scopes.CreateScope();
                            var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                            db.Blogs.Add(new Blog { Name = name });
                            db.SaveChanges();
                        }
                        foreach (var name in names)
                        {
                            using var local = contextFactory();
                            local.Authors.Add(new Author { Name = name });
                            local.SaveChanges();
                        }
                        foreach (var tenant in names)
                        {
                            var db = tenants.For(tenant);
                            db.Blogs.Add(new Blog { Name = tenant });
                            db.SaveChanges();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_a_context_that_is_not_created_per_iteration()
        {
            var source = """
                using Microsoft.Extensions.DependencyInjection;

                class C
                {
                    BlogContext _db;

                    async Task M(IDbContextFactory<BlogContext> factory, IServiceProvider root, List<string> names)
                    {
                        await using var shared = factory.CreateDbContext();
                        foreach (var name in names)
                        {
                            shared.Blogs.Add(new Blog { Name = name });
                            await shared.{|#0:SaveChangesAsync|}();
                        }
                        foreach (var name in names)
                        {
                            var db = _db;
                            db.Blogs.Add(new Blog { Name = name });
                            db.{|#1:SaveChanges|}();
                        }
                        foreach (var name in names)
                        {
                            var db = root.GetRequiredService<BlogContext>();
                            db.Blogs.Add(new Blog { Name = name });
                            db.{|#2:SaveChanges|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChangesAsync", "foreach"),
                VerifyCS.Diagnostic("EFP201").WithLocation(1).WithArguments("SaveChanges", "foreach"),
                VerifyCS.Diagnostic("EFP201").WithLocation(2).WithArguments("SaveChanges", "foreach"));
        }

        [Fact]
        public async Task Does_not_report_saves_that_later_iterations_read_back_or_message_loops()
        {
            var source = """
                using System.Threading.Channels;

                class C
                {
                    async Task M(BlogContext db, List<string> labels, ChannelReader<string> reader)
                    {
                        foreach (var label in labels)
                        {
                            if (!db.Tags.Any(t => t.Label == label))
                            {
                                db.Tags.Add(new Tag { Label = label });
                                db.SaveChanges();
                            }
                        }
                        foreach (var label in labels)
                        {
                            var next = db.Blogs.Max(b => (int?)b.Rating) ?? 0;
                            db.Blogs.Add(new Blog { Name = label, Rating = next + 1 });
                            db.SaveChanges();
                        }
                        await foreach (var label in reader.ReadAllAsync())
                        {
                            db.Tags.Add(new Tag { Label = label });
                            await db.SaveChangesAsync();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_save_when_the_loop_queries_another_set_or_pages_by_the_element()
        {
            // Disagreement fixed: a Take(n) filtered by the loop element is one query per element, not a page (EFP101's
            // meaning). EFP201 used to call such a loop a batch loop and stay silent.
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs, List<string> labels)
                    {
                        foreach (var label in labels)
                        {
                            var count = db.Posts.Count();
                            db.Tags.Add(new Tag { Label = label + count });
                            db.{|#0:SaveChanges|}();
                        }
                        foreach (var blog in blogs)
                        {
                            var top = db.Posts.Where(p => p.BlogId == blog.Id).OrderBy(p => p.Id).Take(3).ToList();
                            foreach (var post in top) post.Views++;
                            db.{|#1:SaveChanges|}();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChanges", "foreach"),
                VerifyCS.Diagnostic("EFP201").WithLocation(1).WithArguments("SaveChanges", "foreach"));
        }

        [Fact]
        public async Task Does_not_report_polling_loops_and_seeding_code()
        {
            // Disagreements fixed: EFP201 now asks the same list as EFP101 (polling loops, seeding code, constant
            // collections were exempt for EFP101 only).
            var source = """
                class C
                {
                    async Task Poll(BlogContext db, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            db.Blogs.Add(new Blog { Name = "tick" });
                            await db.SaveChangesAsync(ct);
                            await Task.Delay(1000, ct);
                        }
                    }

                    void SeedBlogs(BlogContext db, List<string> names)
                    {
                        foreach (var name in names) { db.Blogs.Add(new Blog { Name = name }); db.SaveChanges(); }
                    }

                    void Roles(BlogContext db)
                    {
                        foreach (var role in new[] { "admin", "editor" }) { db.Tags.Add(new Tag { Label = role }); db.SaveChanges(); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_seeding_code_and_constant_collections_when_enabled()
        {
            var source = """
                class C
                {
                    void SeedBlogs(BlogContext db, List<string> names)
                    {
                        foreach (var name in names) { db.Blogs.Add(new Blog { Name = name }); db.{|#0:SaveChanges|}(); }
                    }

                    void Roles(BlogContext db)
                    {
                        foreach (var role in new[] { "admin", "editor" }) { db.Tags.Add(new Tag { Label = role }); db.{|#1:SaveChanges|}(); }
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<SaveChangesInLoopAnalyzer>.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.EFP201.report_constant_collections = true\ndotnet_code_quality.report_seeding_code = true\n"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChanges", "foreach"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP201").WithLocation(1).WithArguments("SaveChanges", "foreach"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_moves_save_after_loop()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                            db.{|EFP201:SaveChanges|}();
                        }
                        Console.WriteLine("done");
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                        }

                        db.SaveChanges();
                        Console.WriteLine("done");
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_keeps_await_arguments_and_configure_await()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, List<Post> posts, CancellationToken cancellationToken)
                    {
                        foreach (var post in posts)
                        {
                            post.Views++;
                            await db.{|EFP201:SaveChangesAsync|}(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, List<Post> posts, CancellationToken cancellationToken)
                    {
                        foreach (var post in posts)
                        {
                            post.Views++;
                        }

                        await db.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_all_moves_every_save_in_the_document()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names, int[] ids)
                    {
                        foreach (var name in names)
                        {
                            db.Authors.Add(new Author { Name = name });
                            db.{|EFP201:SaveChanges|}();
                        }
                        for (var i = 0; i < ids.Length; i++)
                        {
                            db.Tags.Add(new Tag { Label = ids[i].ToString() });
                            db.{|EFP201:SaveChanges|}();
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<string> names, int[] ids)
                    {
                        foreach (var name in names)
                        {
                            db.Authors.Add(new Author { Name = name });
                        }

                        db.SaveChanges();
                        for (var i = 0; i < ids.Length; i++)
                        {
                            db.Tags.Add(new Tag { Label = ids[i].ToString() });
                        }

                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task No_fix_when_moving_would_change_meaning()
        {
            // Not last in the body (the Id is read after the save), result used. (A context created per iteration is
            // not reported at all: Does_not_report_a_context_created_per_iteration.)
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names, List<int> ids, Func<BlogContext> factory)
                    {
                        foreach (var name in names)
                        {
                            var author = new Author { Name = name };
                            db.Authors.Add(author);
                            db.{|EFP201:SaveChanges|}();
                            ids.Add(author.Id);
                        }
                        foreach (var name in names)
                        {
                            db.Authors.Add(new Author { Name = name });
                            var count = db.{|EFP201:SaveChanges|}();
                        }
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            await test.RunAsync();
        }

        [Fact]
        public async Task Works_with_ef_core_8()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                            db.{|EFP201:SaveChanges|}();
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.Blogs.Add(new Blog { Name = name });
                        }

                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8);
        }

        [Fact]
        public async Task Survives_half_typed_code()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<string> names)
                    {
                        foreach (var name in names)
                        {
                            db.SaveChanges(db
                        }
                        foreach (missing) { db.SaveChanges(; }
                        foreach (var name in names) { db.Missing(name); db.SaveChanges(); }
                        while (
                    }
                }
                """;
            // Unbound code can only hide findings: no report for the loops over code that does not bind (nor for the
            // unfinished calls); the bound save next to broken code is still reported; nothing throws.
            var test = CSharpAnalyzerVerifier<SaveChangesInLoopAnalyzer>.Create(source);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            test.TestState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.None;
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP201").WithSpan("/0/Test1.cs", 10, 60, 10, 71).WithArguments("SaveChanges", "foreach"));
            await test.RunAsync();
        }
    }
}
