using System.Threading.Tasks;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Async.ContextCapturedBeyondScopeAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Async
{
    public class ContextCapturedBeyondScopeTests
    {
        // Microsoft.Extensions.Hosting is not referenced by the test compilation: the few types the rule knows, by metadata name.
        private const string Hosting = """

            namespace Microsoft.Extensions.Hosting
            {
                public interface IHostedService
                {
                    Task StartAsync(CancellationToken cancellationToken);
                    Task StopAsync(CancellationToken cancellationToken);
                }

                public abstract class BackgroundService : IHostedService
                {
                    protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
                    public virtual Task StartAsync(CancellationToken cancellationToken) => ExecuteAsync(cancellationToken);
                    public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }

            namespace Microsoft.Extensions.DependencyInjection
            {
                public static class ServiceCollectionHostedServiceExtensions
                {
                    public static IServiceCollection AddHostedService<T>(this IServiceCollection services) where T : class, Microsoft.Extensions.Hosting.IHostedService => services;
                }
            }
            """;

        [Fact]
        public async Task Reports_fire_and_forget_work_on_an_injected_context()
        {
            var source = """
                class OrdersController
                {
                    private readonly BlogContext _db;
                    public OrdersController(BlogContext db) => _db = db;

                    public void Publish(int id)
                    {
                        _ = Task.{|#0:Run|}(async () =>
                        {
                            var post = await _db.Posts.FirstAsync(p => p.Id == id);
                            post.IsPublished = true;
                            await _db.SaveChangesAsync();
                        });
                        Task.Factory.{|#1:StartNew|}(() => _db.Posts.Count());
                        ThreadPool.{|#2:QueueUserWorkItem|}(_ => _db.SaveChanges());
                        var timer = new {|#3:Timer|}(_ => _db.Blogs.ToList(), null, 0, 1000);
                    }

                    public async Task Save(BlogContext db)
                    {
                        _ = db.{|#4:SaveChangesAsync|}();
                        _ = {|#5:AuditAsync|}(db);
                        {|#6:RefreshAsync|}();
                        await Task.Yield();
                    }

                    private static async Task AuditAsync(BlogContext db) => await db.Posts.CountAsync();

                    private async Task RefreshAsync() => await _db.Blogs.ToListAsync();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP403").WithLocation(0).WithArguments("_db", "is used by fire-and-forget work (Task.Run whose task is discarded)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(1).WithArguments("_db", "is used by fire-and-forget work (Task.Factory.StartNew whose task is discarded)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(2).WithArguments("_db", "is used by a ThreadPool.QueueUserWorkItem callback"),
                VerifyCS.Diagnostic("EFP403").WithLocation(3).WithArguments("_db", "is used by a Timer callback"),
                VerifyCS.Diagnostic("EFP403").WithLocation(4).WithArguments("db", "runs 'SaveChangesAsync' whose task is discarded (never awaited)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(5).WithArguments("db", "is passed to 'AuditAsync' whose task is discarded (never awaited)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(6).WithArguments("_db", "is used by 'RefreshAsync' whose task is discarded (never awaited)"));
        }

        // Real code (issue 11 run): extensions on the context or its sets are operations on it, like its own methods.
        [Fact]
        public async Task Reports_discarded_and_background_extension_calls_on_an_injected_context()
        {
            var source = """
                class PostsService
                {
                    private readonly BlogContext _db;
                    private readonly IDbContextFactory<BlogContext> _factory;
                    public PostsService(BlogContext db, IDbContextFactory<BlogContext> factory) { _db = db; _factory = factory; }

                    public void Purge(int blogId)
                    {
                        _ = _db.Posts.Where(p => p.BlogId == blogId).{|#0:DeleteAsync|}();
                        _ = Task.{|#1:Run|}(async () => await _db.Posts.GetEntityAsync(blogId));
                    }

                    public async Task Fine(int blogId)
                    {
                        await _db.Posts.Where(p => p.BlogId == blogId).DeleteAsync();
                        _ = Task.Run(async () =>
                        {
                            await using var db = await _factory.CreateDbContextAsync();
                            await db.Posts.Where(p => p.BlogId == blogId).DeleteAsync();
                        });
                        using var own = _factory.CreateDbContext();
                        var pending = own.Posts.GetEntityAsync(blogId);
                        await pending;
                    }
                }

                static class BulkExtensions
                {
                    public static Task<int> DeleteAsync<T>(this IQueryable<T> query) => Task.FromResult(0);
                    public static async Task<Post?> GetEntityAsync(this DbSet<Post> set, int id) => await set.FindAsync(id);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP403").WithLocation(0).WithArguments("_db", "runs 'DeleteAsync' whose task is discarded (never awaited)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(1).WithArguments("_db", "is used by fire-and-forget work (Task.Run whose task is discarded)"));
        }

        [Fact]
        public async Task Reports_endpoint_parameters_and_using_locals()
        {
            var source = """
                class Endpoints
                {
                    public static void Map(List<Func<BlogContext, int, Task>> handlers)
                    {
                        handlers.Add(async (db, id) =>
                        {
                            _ = Task.{|#0:Run|}(() => db.Posts.Where(p => p.BlogId == id).ExecuteDeleteAsync());
                            await Task.Yield();
                        });
                    }

                    public static void Local(DbContextOptions<BlogContext> options)
                    {
                        using var db = new BlogContext(options);
                        Task.{|#1:Run|}(() => db.Blogs.Count());
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP403").WithLocation(0).WithArguments("db", "is used by fire-and-forget work (Task.Run whose task is discarded)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(1).WithArguments("db", "is used by fire-and-forget work (Task.Run whose task is discarded)"));
        }

        [Fact]
        public async Task Reports_static_contexts_singletons_and_hosted_services()
        {
            var source = """
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                static class Cache
                {
                    public static BlogContext {|#0:Shared|};
                    public static BlogContext {|#1:Current|} { get; set; }
                    public static BlogContext Create(DbContextOptions<BlogContext> o) => new BlogContext(o);
                    public static BlogContext Computed => null;
                }

                class PriceCache
                {
                    private readonly BlogContext _db;
                    public PriceCache(BlogContext db) => _db = db;
                }

                class Worker : BackgroundService
                {
                    private readonly BlogContext _db;
                    public Worker(BlogContext {|#2:db|}) => _db = db;
                    protected override async Task ExecuteAsync(CancellationToken ct) => await _db.Posts.CountAsync(ct);
                }

                class Startup
                {
                    public void Configure(IServiceCollection services)
                    {
                        services.{|#3:AddSingleton<PriceCache>|}();
                        services.{|#4:AddSingleton<BlogContext>|}();
                        services.AddHostedService<Worker>();
                        services.AddScoped<PriceCache>();
                    }
                }
                """ + Hosting;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP403").WithLocation(0).WithArguments("Shared", "is kept in a static field"),
                VerifyCS.Diagnostic("EFP403").WithLocation(1).WithArguments("Current", "is kept in a static property"),
                VerifyCS.Diagnostic("EFP403").WithLocation(2).WithArguments("db", "is injected into hosted service 'Worker', which the host creates once (a singleton)"),
                VerifyCS.Diagnostic("EFP403").WithLocation(3).WithArguments("db", "is injected into 'PriceCache', registered as a singleton"),
                VerifyCS.Diagnostic("EFP403").WithLocation(4).WithArguments("BlogContext", "is registered as a singleton: one instance for every request and thread"));
        }

        [Fact]
        public async Task Does_not_report_the_three_good_shapes_or_awaited_work()
        {
            var source = """
                using System.Threading.Channels;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                class Controller
                {
                    private readonly BlogContext _db;
                    private readonly IServiceScopeFactory _scopes;
                    private readonly IDbContextFactory<BlogContext> _factory;
                    private readonly Channel<int> _queue;

                    public Controller(BlogContext db, IServiceScopeFactory scopes, IDbContextFactory<BlogContext> factory, Channel<int> queue)
                    { _db = db; _scopes = scopes; _factory = factory; _queue = queue; }

                    public async Task Publish(int id)
                    {
                        // 1. a new DI scope inside the background work
                        _ = Task.Run(async () =>
                        {
                            await using var scope = _scopes.CreateAsyncScope();
                            var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                            await db.Posts.Where(p => p.Id == id).ExecuteDeleteAsync();
                        });

                        // 2. a context from IDbContextFactory<T>
                        _ = Task.Run(async () =>
                        {
                            await using var db = await _factory.CreateDbContextAsync();
                            await db.SaveChangesAsync();
                        });

                        // 3. a queue drained by a hosted service
                        await _queue.Writer.WriteAsync(id);

                        // awaited work on the request's context
                        await Task.Run(() => _db.Posts.Count());
                        await _db.SaveChangesAsync();
                        var pending = _db.Blogs.ToListAsync();
                        await pending;
                    }
                }

                class Drainer : BackgroundService
                {
                    private readonly IServiceScopeFactory _scopes;
                    private readonly Channel<int> _queue;
                    public Drainer(IServiceScopeFactory scopes, Channel<int> queue) { _scopes = scopes; _queue = queue; }

                    protected override async Task ExecuteAsync(CancellationToken ct)
                    {
                        await foreach (var id in _queue.Reader.ReadAllAsync(ct))
                        {
                            using var scope = _scopes.CreateScope();
                            var db = scope.ServiceProvider.GetRequiredService<BlogContext>();
                            await db.Posts.Where(p => p.Id == id).ExecuteDeleteAsync(ct);
                        }
                    }
                }

                class Singleton
                {
                    public Singleton(IDbContextFactory<BlogContext> factory) { }
                }

                class Startup
                {
                    public void Configure(IServiceCollection services)
                    {
                        services.AddSingleton<Singleton>();
                        services.AddHostedService<Drainer>();
                        services.AddSingleton(Channel.CreateUnbounded<int>());
                    }

                    public void Owned(DbContextOptions<BlogContext> options)
                    {
                        var db = new BlogContext(options);
                        _ = Task.Run(async () => { await db.SaveChangesAsync(); await db.DisposeAsync(); });
                    }
                }
                """ + Hosting;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        // Shapes seen in the real-code run (issue 11): the task is awaited, blocked on or handed to the caller.
        [Fact]
        public async Task Does_not_report_work_that_is_awaited_blocked_on_or_returned()
        {
            var source = """
                class Repository
                {
                    private readonly BlogContext _context;
                    public Repository(BlogContext context) => _context = context;

                    public async Task<int> Add(Blog blog)
                    {
                        _context.Blogs.Add(blog);
                        _ = await _context.SaveChangesAsync();
                        return blog.Id;
                    }

                    public Task Create(Blog blog)
                    {
                        _context.Blogs.Add(blog);
                        return Task.Run(() => _context.SaveChanges());
                    }

                    public void Migrate()
                    {
                        Task.Run(async () =>
                        {
                            await _context.Database.MigrateAsync();
                            await _context.SaveChangesAsync();
                        }).GetAwaiter().GetResult();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Theory]
        [InlineData("BlogContext _db; void M() { _ = Task.Run(() => _db.Postz.ToList()); }")]
        [InlineData("BlogContext _db; void M() { _ = Task.Runn(() => _db.Posts.ToList()); }")]
        [InlineData("static Missing _db; void M() { _ = Task.Run(() => _db.Posts.ToList()); }")]
        [InlineData("void M(Microsoft.Extensions.DependencyInjection.IServiceCollection s) { s.AddSingleton<Missing>(); }")]
        [InlineData("void M() { new System.Threading.Timer(); _ = Missing(); }")]
        public async Task Half_typed_code_does_not_throw(string member)
        {
            var test = VerifyCS.Create("class C { " + member + " }");
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
