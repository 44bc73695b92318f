using System.Threading.Tasks;
using Xunit;
using Delete = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Writes.DeleteLoopAnalyzer>;
using FixSave = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.SaveChangesInLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.SaveChangesInLoopFixer>;
using QueryInLoop = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Loading.QueryInLoopAnalyzer>;
using Save = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Writes.SaveChangesInLoopAnalyzer>;
using SyncCall = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Async.SyncCallInAsyncCodeAnalyzer>;
using Update = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Writes.UpdateLoopAnalyzer>;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>Interfaces that stand for a DbContext (IUnitOfWork, IApplicationDbContext) are DbContexts for every rule (issue 10).</summary>
    public class DbContextInterfaceTests
    {
        /// <summary>
        /// IUnitOfWork: implemented in this compilation by a DbContext only. IApplicationDbContext: implemented in another
        /// project (none here), declares DbSets and SaveChanges. IStore: implemented by two classes that are not contexts.
        /// IAudit: no implementation here, no DbSet (unknown).
        /// </summary>
        private const string Interfaces = """
            public interface IUnitOfWork
            {
                int SaveChanges();
                Task<int> SaveChangesAsync(CancellationToken ct = default);
            }

            public interface IApplicationDbContext
            {
                DbSet<Blog> Blogs { get; }
                DbSet<Post> Posts { get; }
                DbSet<T> Set<T>() where T : class;
                int SaveChanges();
                Task<int> SaveChangesAsync(CancellationToken ct = default);
            }

            public class AppContext : DbContext, IUnitOfWork { }

            public interface IStore
            {
                int SaveChanges();
                Task<int> SaveChangesAsync(CancellationToken ct = default);
            }

            public class FileStore : IStore { public int SaveChanges() => 0; public Task<int> SaveChangesAsync(CancellationToken ct = default) => Task.FromResult(0); }
            public class MemoryStore : IStore { public int SaveChanges() => 0; public Task<int> SaveChangesAsync(CancellationToken ct = default) => Task.FromResult(0); }

            public interface IAudit
            {
                int SaveChanges();
                Task<int> SaveChangesAsync(CancellationToken ct = default);
            }
            """;

        [Fact]
        public async Task Save_in_loop_through_a_context_interface_reports_and_other_interfaces_do_not()
        {
            var source = Interfaces + """

                public class Handler
                {
                    public async Task Run(IUnitOfWork uow, IApplicationDbContext app, IStore store, IAudit audit, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            blog.Rating++;
                            await uow.{|#0:SaveChangesAsync|}();
                        }

                        foreach (var blog in blogs)
                        {
                            app.Blogs.Add(blog);
                            app.{|#1:SaveChanges|}();
                        }

                        foreach (var blog in blogs)
                        {
                            blog.Rating++;
                            await store.SaveChangesAsync();
                            await audit.SaveChangesAsync();
                        }
                    }
                }
                """;
            await Save.VerifyAnalyzerAsync(
                source,
                Save.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChangesAsync", "foreach"),
                Save.Diagnostic("EFP201").WithLocation(1).WithArguments("SaveChanges", "foreach"));
        }

        [Fact]
        public async Task Save_in_loop_through_a_context_interface_is_fixed_like_a_context()
        {
            var source = Interfaces + """

                public class Handler
                {
                    public async Task Run(IApplicationDbContext app, List<string> names, CancellationToken ct)
                    {
                        foreach (var name in names)
                        {
                            app.Blogs.Add(new Blog { Name = name });
                            await app.{|#0:SaveChangesAsync|}(ct);
                        }
                    }
                }
                """;
            var fixedSource = Interfaces + """

                public class Handler
                {
                    public async Task Run(IApplicationDbContext app, List<string> names, CancellationToken ct)
                    {
                        foreach (var name in names)
                        {
                            app.Blogs.Add(new Blog { Name = name });
                        }

                        await app.SaveChangesAsync(ct);
                    }
                }
                """;
            await FixSave.VerifyCodeFixAsync(source, fixedSource, Verifiers.EfVersion.Ef10, FixSave.Diagnostic("EFP201").WithLocation(0).WithArguments("SaveChangesAsync", "foreach"));
        }

        [Fact]
        public async Task Query_in_loop_through_a_context_interface_set_and_property_stays_reported()
        {
            var source = Interfaces + """

                public class Handler
                {
                    public void Run(IApplicationDbContext app, List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            var blog = app.Set<Blog>().{|#0:FirstOrDefault|}(b => b.Id == id);
                            var posts = app.Posts.Where(p => p.BlogId == id).{|#1:ToList|}();
                        }
                    }
                }
                """;
            await QueryInLoop.VerifyAnalyzerAsync(
                source,
                QueryInLoop.Diagnostic("EFP101").WithLocation(0).WithArguments("FirstOrDefault", "query", "iteration of this 'foreach' loop"),
                QueryInLoop.Diagnostic("EFP101").WithLocation(1).WithArguments("ToList", "query", "iteration of this 'foreach' loop"));
        }

        [Fact]
        public async Task Update_and_delete_loops_saved_through_a_context_interface()
        {
            var update = Interfaces + """

                public class Handler
                {
                    public void Run(IApplicationDbContext app, int blogId)
                    {
                        var posts = app.Posts.Where(p => p.BlogId == blogId).ToList();
                        {|#0:foreach|} (var post in posts)
                        {
                            post.IsPublished = true;
                        }
                        app.SaveChanges();
                    }

                    public void Store(IApplicationDbContext app, IStore store, int blogId)
                    {
                        var posts = app.Posts.Where(p => p.BlogId == blogId).ToList();
                        foreach (var post in posts)
                        {
                            post.IsPublished = true;
                        }
                        store.SaveChanges();
                    }
                }
                """;
            await Update.VerifyAnalyzerAsync(update, Update.Diagnostic("EFP203").WithLocation(0).WithArguments("Post", ""));

            var delete = Interfaces + """

                public class Handler
                {
                    public async Task Run(IApplicationDbContext app, int blogId)
                    {
                        var posts = await app.Posts.Where(p => p.BlogId == blogId).ToListAsync();
                        foreach (var post in posts)
                        {
                            app.Posts.{|#0:Remove|}(post);
                        }
                        await app.SaveChangesAsync();
                    }
                }
                """;
            await Delete.VerifyAnalyzerAsync(delete, Delete.Diagnostic("EFP204").WithLocation(0).WithArguments("Remove", "Post", " (no automatic fix: the context may track 'Post.Comments' dependents, which Remove handles and ExecuteDelete does not)"));
        }

        [Fact]
        public async Task Sync_save_through_a_context_interface_in_async_code()
        {
            var source = Interfaces + """

                public class Handler
                {
                    public async Task Run(IUnitOfWork uow, IStore store, IAudit audit)
                    {
                        await Task.Yield();
                        uow.{|#0:SaveChanges|}();
                        store.SaveChanges();
                        audit.SaveChanges();
                    }
                }
                """;
            await SyncCall.VerifyAnalyzerAsync(source, SyncCall.Diagnostic("EFP401").WithLocation(0).WithArguments("SaveChanges", "SaveChangesAsync"));
        }

        [Fact]
        public async Task No_crash_on_a_half_typed_context_interface()
        {
            var source = """
                public interface IAppContext
                {
                    DbSet<Blog> Blogs { get; }
                    Task<int> SaveChangesAsync(CancellationToken ct = default)
                }

                public interface IHalf : {|#1:IMissing|} { Task<int> SaveChangesAsync(); }

                public class Handler
                {
                    public async Task Run(IAppContext app, IHalf half, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            blog.Rating++;
                            await app.{|#2:SaveChangesAsync|}();
                            await half.SaveChangesAsync();
                        }
                    }
                }
                """;
            var test = Save.Create(source);
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1002").WithSpan("/0/Test1.cs", 4, 63, 4, 63));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0246").WithLocation(1).WithArguments("IMissing"));
            test.ExpectedDiagnostics.Add(Save.Diagnostic("EFP201").WithLocation(2).WithArguments("SaveChangesAsync", "foreach"));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_interface_with_a_context_and_a_fake_implementation_is_not_a_context()
        {
            var source = """
                public interface IUnitOfWork { Task<int> SaveChangesAsync(CancellationToken ct = default); }
                public class AppContext : DbContext, IUnitOfWork { }
                public class FakeUnitOfWork : IUnitOfWork { public Task<int> SaveChangesAsync(CancellationToken ct = default) => Task.FromResult(0); }

                public class Handler
                {
                    public async Task Run(IUnitOfWork uow, List<Blog> blogs)
                    {
                        foreach (var blog in blogs)
                        {
                            blog.Rating++;
                            await uow.SaveChangesAsync();
                        }
                    }
                }
                """;
            await Save.VerifyAnalyzerAsync(source);
        }
    }
}
