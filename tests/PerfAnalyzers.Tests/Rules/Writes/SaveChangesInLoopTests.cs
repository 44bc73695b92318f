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
            // Not last in the body (the Id is read after the save), context created per iteration, result used.
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
                            using var local = factory();
                            local.Authors.Add(new Author { Name = name });
                            local.{|EFP201:SaveChanges|}();
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
