using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.UnboundedQueryAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class UnboundedQueryTests
    {
        /// <summary>Why Post, Blog and Comment grow with use in the shared model (Comment once the app adds comments).</summary>
        private const string PostGrows = "belongs to 'Blog', has 'PublishedAt'";
        private const string BlogGrows = "belongs to an owner ('AuthorId'), has 'CreatedAt'";
        private const string CommentGrows = "belongs to 'Post', rows added in 'CommentsController.Add'";

        /// <summary>The source with the web stand-ins after its using directives.</summary>
        private static string WithWeb(string source)
        {
            var lines = source.Split('\n');
            var usings = lines.TakeWhile(l => l.StartsWith("using ", System.StringComparison.Ordinal) || l.Trim().Length == 0).Count();
            return string.Join("\n", lines.Take(usings)) + "\n" + Web + string.Join("\n", lines.Skip(usings));
        }

        /// <summary>ASP.NET Core stand-ins (the tests reference EF Core only), and a controller that adds comments.</summary>
        private const string Web = """
            namespace Microsoft.AspNetCore.Mvc
            {
                public abstract class ControllerBase { }
                public sealed class HttpGetAttribute : System.Attribute { }
                public sealed class ApiControllerAttribute : System.Attribute { }
                namespace RazorPages { public abstract class PageModel { } }
            }
            namespace Microsoft.AspNetCore.Components
            {
                public abstract class ComponentBase { protected virtual System.Threading.Tasks.Task OnInitializedAsync() => System.Threading.Tasks.Task.CompletedTask; }
            }
            namespace Microsoft.AspNetCore.Routing { public interface IEndpointRouteBuilder { } }
            namespace Microsoft.AspNetCore.Builder
            {
                public static class EndpointRouteBuilderExtensions
                {
                    public static object MapGet(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string pattern, System.Delegate handler) => null!;
                }
            }
            namespace MediatR
            {
                public interface IRequest<TResponse> { }
                public interface IRequestHandler<TRequest, TResponse> where TRequest : IRequest<TResponse>
                {
                    System.Threading.Tasks.Task<TResponse> Handle(TRequest request, System.Threading.CancellationToken cancellationToken);
                }
            }

            public class CommentsController : Microsoft.AspNetCore.Mvc.ControllerBase
            {
                public void Add(BlogContext db, Comment comment) { db.Comments.Add(comment); db.SaveChanges(); }
            }

            """;

        [Fact]
        public async Task Reports_whole_table_materializations()
        {
            // In a controller action (a request path), over tables that grow with use. Author (no parent, no owner) is no
            // longer reported: see Does_not_report_tables_that_do_not_grow_with_use.
            var source = WithWeb("""
                class PostsController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    IQueryable<Blog> Active(BlogContext db) => db.Blogs.Include(b => b.Posts);

                    public async Task Index(BlogContext db, CancellationToken ct)
                    {
                        var a = db.Posts.{|#0:ToList|}();
                        var b = await db.Blogs.AsNoTracking().Include(x => x.Posts).{|#1:ToListAsync|}(ct);
                        var c = db.Set<Post>().Select(x => new { x.Id, x.Title }).{|#2:ToArray|}();
                        foreach (var post in {|#3:db.Posts.Include(p => p.Comments)|}) { }
                        await foreach (var comment in {|#4:db.Comments.AsAsyncEnumerable()|}) { }
                        var d = Active(db).OrderBy(x => x.Name).{|#5:ToList|}();
                        await db.Posts.{|#6:LoadAsync|}(ct);
                        var q = db.Posts.AsQueryable();
                        var e = q.{|#7:ToHashSet|}();
                    }
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post", PostGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(1).WithArguments("ToListAsync", "", "Blog", BlogGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(2).WithArguments("ToArray", "", "Post", PostGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(3).WithArguments("foreach", "", "Post", PostGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(4).WithArguments("await foreach", "", "Comment", CommentGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(5).WithArguments("ToList", "", "Blog", BlogGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(6).WithArguments("LoadAsync", "", "Post", PostGrows),
                VerifyCS.Diagnostic("EFP301").WithLocation(7).WithArguments("ToHashSet", "", "Post", PostGrows));
        }

        [Fact]
        public async Task Does_not_report_a_query_a_filter_helper_restricts()
        {
            // Smartstore's ApplyBundledProductsFilter(ids) / ApplyCustomerFilter(customerIds): an extension method that takes
            // the query and the keys, and returns it filtered (query syntax, or Where, on every path).
            var source = WithWeb("""
                static class PostQueries
                {
                    public static IQueryable<Post> ApplyBlogFilter(this IQueryable<Post> query, int[] blogIds, bool includeHidden = false)
                    {
                        query =
                            from p in query
                            join b in new BlogContext().Blogs on p.BlogId equals b.Id
                            where blogIds.Contains(p.BlogId) && (includeHidden || p.IsPublished)
                            orderby p.Id
                            select p;
                        return query;
                    }

                    public static IQueryable<Post> ApplyViewsFilter(this IQueryable<Post> query, int min)
                        => query.Where(p => p.Views >= min);

                    public static IQueryable<Post> ApplyAuthorFilter(this IQueryable<Post> query, int? authorId)
                        => authorId.HasValue ? query.Where(p => p.AuthorId == authorId) : query.Where(p => p.AuthorId == null);

                    // Reassigns its parameter too, but only orders it: every row still comes back.
                    public static IQueryable<Post> ApplyNewestFirst(this IQueryable<Post> query)
                    {
                        query = from p in query orderby p.PublishedAt descending select p;
                        return query;
                    }
                }

                class PostsController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public async Task Index(BlogContext db, int[] ids, CancellationToken ct)
                    {
                        var a = await db.Posts.AsNoTracking().ApplyBlogFilter(ids).ToListAsync(ct);
                        var b = db.Posts.ApplyViewsFilter(10).ToList();
                        var c = db.Posts.ApplyAuthorFilter(3).ToList();
                        var d = db.Posts.ApplyNewestFirst().{|#0:ToList|}();
                    }
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post", PostGrows));
        }

        [Fact]
        public async Task Reports_growing_tables_on_every_kind_of_request_path()
        {
            // Orders belong to a user and carry a creation date: a table that grows with every checkout.
            var source = WithWeb("""
                using Microsoft.AspNetCore.Builder;

                public class Order { public int Id { get; set; } public string UserId { get; set; } = ""; public DateTime CreatedAt { get; set; } public decimal Total { get; set; } }
                public class ShopContext : DbContext { public DbSet<Order> Orders { get; set; } }

                public class OrdersPage : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
                {
                    public List<Order> Orders { get; set; } = new();
                    public async Task OnGetAsync(ShopContext db) => Orders = await db.Orders.{|#0:ToListAsync|}();
                }

                public record AllOrders : MediatR.IRequest<List<Order>>;
                public class AllOrdersHandler : MediatR.IRequestHandler<AllOrders, List<Order>>
                {
                    private readonly ShopContext _db = null!;
                    public async Task<List<Order>> Handle(AllOrders request, CancellationToken ct) => await _db.Orders.AsNoTracking().{|#1:ToListAsync|}(ct);
                }

                public class OrderRepository
                {
                    private readonly ShopContext _db = null!;
                    public IReadOnlyList<Order> GetAll() => _db.Orders.{|#2:ToList|}();
                    public Task<List<Order>> GetAllAsync() => _db.Orders.{|#3:ToListAsync|}();
                    public object Page() { var orders = _db.Orders.{|#4:ToArray|}(); return new { Items = orders, Count = orders.Length }; }
                }

                public static class Endpoints
                {
                    public static void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app)
                        => app.MapGet("/orders", (ShopContext db) => db.Orders.{|#5:ToList|}().Sum(o => o.Total));
                }

                [Microsoft.AspNetCore.Mvc.ApiController]
                public class ReportController
                {
                    public decimal Total(ShopContext db) => db.Orders.{|#6:ToList|}().Sum(o => o.Total);
                }

                public class OrdersList : Microsoft.AspNetCore.Components.ComponentBase
                {
                    private readonly ShopContext _db = null!;
                    private List<Order> _orders = new();
                    protected override async Task OnInitializedAsync() => _orders = await _db.Orders.{|#7:ToListAsync|}();
                }
                """);
            const string reason = "belongs to an owner ('UserId'), has 'CreatedAt'";
            var names = new[] { "ToListAsync", "ToListAsync", "ToList", "ToListAsync", "ToArray", "ToList", "ToList", "ToListAsync" };
            await VerifyCS.VerifyAnalyzerAsync(source,
                names.Select((name, i) => VerifyCS.Diagnostic("EFP301").WithLocation(i).WithArguments(name, "", "Order", reason)).ToArray());
        }

        [Fact]
        public async Task Does_not_report_tables_that_do_not_grow_with_use()
        {
            // Issue 9, shapes 4 and 14: configuration and type-registry tables loaded whole on purpose (content types,
            // languages, roles), even when an admin page adds rows or an audit base class gives them a CreatedOn; and
            // User { Id, IsActive } is not judged by its size any more but by evidence (no parent or owner).
            var source = WithWeb("""
                public abstract class Audited { public DateTime CreatedOn { get; set; } }
                public class ContentType : Audited { public int Id { get; set; } public string Alias { get; set; } = ""; public string Schema { get; set; } = ""; public string Icon { get; set; } = ""; }
                public class Language : Audited { public int Id { get; set; } public string IsoCode { get; set; } = ""; public bool IsDefault { get; set; } }
                public class Role { public string Id { get; set; } = ""; public string Name { get; set; } = ""; }
                public class User { public int Id { get; set; } public bool IsActive { get; set; } }
                public class CmsContext : DbContext
                {
                    public DbSet<ContentType> ContentTypes { get; set; }
                    public DbSet<Language> Languages { get; set; }
                    public DbSet<Role> Roles { get; set; }
                    public DbSet<User> Users { get; set; }
                }

                public class AdminController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public void AddType(CmsContext db, ContentType type) { db.ContentTypes.Add(type); db.Languages.Add(new Language()); db.SaveChanges(); }
                    public List<ContentType> Types(CmsContext db) => db.ContentTypes.ToList();
                    public List<Language> Languages(CmsContext db) => db.Languages.ToList();
                    public List<Role> RolePicker(CmsContext db) => db.Roles.ToList();
                    public List<User> Users(CmsContext db) => db.Users.ToList();
                    public List<Author> Authors(BlogContext db) => db.Authors.ToList();          // shared model: no parent or owner
                    public List<Comment> Comments(BlogContext db) => db.Comments.ToList();       // a parent, but nothing else: never added, no timestamp
                }
                """).Replace("public class CommentsController", "public class UnusedController").Replace("db.Comments.Add(comment);", "");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task An_audit_base_class_owner_column_or_the_entity_own_key_is_no_owner()
        {
            // Oqtane: every entity derives from ModelBase { CreatedBy (a user name), CreatedOn, ModifiedBy, ModifiedOn }, and
            // sites, tenants and jobs (a handful each, added on admin pages) were taken for tables that grow because of
            // CreatedBy; User was taken for one that belongs to an owner because of its own key, UserId. A page of the same
            // base with a real parent (its site) still grows, and so does a note whose own class has an owner column.
            var source = WithWeb("""
                public abstract class ModelBase { public string CreatedBy { get; set; } = ""; public DateTime CreatedOn { get; set; } public string ModifiedBy { get; set; } = ""; }
                public class Site : ModelBase { public int SiteId { get; set; } public string Name { get; set; } = ""; public List<Page> Pages { get; set; } = new(); }
                public class Tenant : ModelBase { public int TenantId { get; set; } public string Name { get; set; } = ""; }
                public class Job : ModelBase { public int JobId { get; set; } public string JobType { get; set; } = ""; }
                public class Page : ModelBase { public int PageId { get; set; } public int SiteId { get; set; } public Site Site { get; set; } = null!; }
                public class User : ModelBase { public int UserId { get; set; } public string Username { get; set; } = ""; }
                public class Note { public int NoteId { get; set; } public string CreatedBy { get; set; } = ""; public DateTime CreatedOn { get; set; } }
                public class TenantContext : DbContext
                {
                    public DbSet<Site> Sites { get; set; }
                    public DbSet<Tenant> Tenants { get; set; }
                    public DbSet<Job> Jobs { get; set; }
                    public DbSet<Page> Pages { get; set; }
                    public DbSet<User> Users { get; set; }
                    public DbSet<Note> Notes { get; set; }
                }

                public class AdminController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public void Add(TenantContext db)
                    {
                        db.Sites.Add(new Site()); db.Tenants.Add(new Tenant()); db.Jobs.Add(new Job()); db.Pages.Add(new Page());
                        db.Users.Add(new User()); db.Notes.Add(new Note()); db.SaveChanges();
                    }

                    public List<Site> Sites(TenantContext db) => db.Sites.ToList();
                    public List<Tenant> Tenants(TenantContext db) => db.Tenants.ToList();
                    public List<Job> Jobs(TenantContext db) => db.Jobs.ToList();
                    public List<User> Users(TenantContext db) => db.Users.ToList();
                    public List<Page> Pages(TenantContext db) => db.Pages.{|#0:ToList|}();
                    public List<Note> Notes(TenantContext db) => db.Notes.{|#1:ToList|}();
                }
                """).Replace("public class CommentsController", "public class UnusedController").Replace("db.Comments.Add(comment);", "");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Page", "belongs to 'Site', has 'CreatedOn', rows added in 'AdminController.Add'"),
                VerifyCS.Diagnostic("EFP301").WithLocation(1).WithArguments("ToList", "", "Note", "belongs to an owner ('CreatedBy'), has 'CreatedOn', rows added in 'AdminController.Add'"));
        }

        [Fact]
        public async Task Rows_added_only_by_setup_code_are_no_evidence_of_growth()
        {
            var source = WithWeb("""
                public class Note { public int Id { get; set; } public int PostId { get; set; } public Post Post { get; set; } = null!; public string Text { get; set; } = ""; }
                public class NoteContext : DbContext { public DbSet<Note> Notes { get; set; } }
                public class DbSeeder { public void Seed(NoteContext db) => db.Notes.Add(new Note()); }

                public class NotesController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public List<Note> All(NoteContext db) => db.Notes.ToList();
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);

            // The same table, once a request handler adds notes: it grows (near miss).
            await VerifyCS.VerifyAnalyzerAsync(source.Replace("public class NotesController : Microsoft.AspNetCore.Mvc.ControllerBase\n{",
                "public class NotesController : Microsoft.AspNetCore.Mvc.ControllerBase\n{\n    public void Add(NoteContext db, Note note) => db.Notes.Add(note);").Replace("db.Notes.ToList()", "db.Notes.{|#0:ToList|}()"),
                VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Note", "belongs to 'Post', rows added in 'NotesController.Add'"));
        }

        [Fact]
        public async Task Does_not_report_rows_put_into_a_cache_or_registry()
        {
            // Issue 9, shape 4: loaded whole once, on purpose, into a cache or registry.
            var source = WithWeb("""
                using System.Collections.Concurrent;
                using Microsoft.Extensions.Caching.Memory;

                public class PostsController : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    private static readonly Dictionary<int, Post> Registry = new();
                    private readonly ConcurrentDictionary<int, Post> _byId = new();
                    private List<Post>? _cache;
                    private readonly IMemoryCache _memory = null!;

                    public async Task<List<Post>> Cached(BlogContext db)
                        => await _memory.GetOrCreateAsync("posts", _ => db.Posts.ToListAsync()) ?? new();

                    public List<Post> Set(BlogContext db)
                    {
                        var posts = db.Posts.ToList();
                        _memory.Set("posts", posts);
                        return posts;
                    }

                    public List<Post> Field(BlogContext db) => _cache ??= db.Posts.ToList();

                    public List<Post> Assigned(BlogContext db)
                    {
                        _cache = db.Posts.ToList();
                        return _cache;
                    }

                    public void Fill(BlogContext db)
                    {
                        foreach (var post in db.Posts) { Registry[post.Id] = post; }
                        foreach (var post in db.Posts.AsNoTracking().ToList()) { _byId.TryAdd(post.Id, post); }
                    }
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_startup_migration_or_background_code()
        {
            // Issue 9, shape 4: startup data migrations must visit every row; a method that neither handles a request nor
            // returns the rows is a job, not a request path.
            var source = WithWeb("""
                namespace Microsoft.Extensions.Hosting
                {
                    public interface IHostedService { Task StartAsync(CancellationToken ct); Task StopAsync(CancellationToken ct); }
                }

                public class DataMigrator
                {
                    public async Task<List<Post>> MigrateAsync(BlogContext db) => await db.Posts.ToListAsync();
                }
                public class DbInitializer { public List<Post> Initialize(BlogContext db) => db.Posts.ToList(); }
                public class Warmup : Microsoft.Extensions.Hosting.IHostedService
                {
                    private readonly BlogContext _db = null!;
                    public async Task StartAsync(CancellationToken ct) { foreach (var p in await _db.Posts.ToListAsync(ct)) { } }
                    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
                }
                public class Recalculate
                {
                    public void Run(BlogContext db) { foreach (var post in db.Posts) { post.Views++; } db.SaveChanges(); }
                    private void Local(BlogContext db) { var all = db.Posts.ToList(); System.Console.WriteLine(all.Count); }
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_bounded_filtered_or_lookup_queries()
        {
            var source = WithWeb("""
                public class Country { public int Id { get; set; } public string Name { get; set; } = ""; public string Iso { get; set; } = ""; }
                public class ShopContext : DbContext
                {
                    public DbSet<Country> Countries { get; set; }
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                        => modelBuilder.Entity<Country>().HasData(new Country { Id = 1, Name = "France" });
                }

                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public async Task M(BlogContext db, ShopContext shop, int blogId, IQueryable<Post> fromCaller, Blog blog, CancellationToken ct)
                    {
                        var a = db.Posts.Where(p => p.BlogId == blogId).ToList();          // filtered (off by default)
                        var b = db.Posts.OrderBy(p => p.Id).Take(20).ToList();             // limited
                        var c = db.Posts.OrderBy(p => p.Id).Skip(20).Take(20).ToListAsync(ct);
                        var d = db.Posts.Count();                                          // scalar
                        var e = await db.Posts.FirstOrDefaultAsync(ct);
                        var f = db.Posts.Any();
                        var g = db.Posts.Find(1);
                        var h = db.Posts.GroupBy(p => p.BlogId).Select(x => new { x.Key, N = x.Count() }).ToList();
                        var i = db.Posts.ToDictionary(t => t.Id, t => t.Title);           // lookup-cache idiom
                        var s = db.Tags.ToList();                                         // no parent or owner
                        var j = shop.Countries.ToList();                                  // seeded with HasData
                        var k = fromCaller.ToList();                                      // unknown source
                        var l = db.Posts.FromSqlRaw("SELECT TOP 10 * FROM Posts").ToList();
                        var m = db.Entry(blog).Collection(x => x.Posts).Query().ToList(); // bounded by the parent
                        var n = db.Posts.AsEnumerable().Where(p => p.Views > 1).ToList(); // client side: EFP303
                        var o = new List<Post>().ToList();
                        var q = db.Posts.AsQueryable();
                        if (blogId > 0) q = q.Where(p => p.BlogId == blogId);
                        var r = q.ToList();                                               // filtered on some paths
                    }
                }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task HasData_in_an_entity_type_configuration_makes_a_lookup_table()
        {
            var source = """
                using Microsoft.EntityFrameworkCore.Metadata.Builders;

                public class Currency { public int Id { get; set; } public string Code { get; set; } = ""; public int OwnerId { get; set; } public DateTime CreatedAt { get; set; } }
                public class Region { public int Id { get; set; } public string Code { get; set; } = ""; public int OwnerId { get; set; } public DateTime CreatedAt { get; set; } }
                class CurrencyConfiguration : IEntityTypeConfiguration<Currency>
                {
                    public void Configure(EntityTypeBuilder<Currency> builder) => builder.HasData(new Currency { Id = 1, Code = "EUR" });
                }
                public class ShopContext : DbContext
                {
                    public DbSet<Currency> Currencies { get; set; }
                    public DbSet<Region> Regions { get; set; }
                }

                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public void M(ShopContext db)
                    {
                        var currencies = db.Currencies.ToList();
                        var regions = db.Regions.{|#0:ToList|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(WithWeb(source), VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Region", "belongs to an owner ('OwnerId'), has 'CreatedAt'"));
        }

        [Fact]
        public async Task An_entity_keyed_by_an_enum_holds_one_row_per_member()
        {
            // A settings table keyed by an enum (Kavita's ServerSetting shape): three scalars, so not lookup-shaped, but
            // it can never hold more rows than the enum has members.
            var source = """
                using System.ComponentModel.DataAnnotations;

                public enum SettingKey { Port, CacheDirectory, BackupDirectory }
                public enum Level { Low, High }
                public class Setting
                {
                    [Key] public SettingKey Key { get; set; }
                    public string Value { get; set; } = "";
                    public uint RowVersion { get; set; }
                    public string UserId { get; set; } = "";
                    public DateTime CreatedAt { get; set; }
                }
                public class Rating { public int Id { get; set; } public Level Level { get; set; } public string UserId { get; set; } = ""; public DateTime CreatedAt { get; set; } }
                public class SettingsContext : DbContext
                {
                    public DbSet<Setting> Settings { get; set; }
                    public DbSet<Rating> Ratings { get; set; }
                }

                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public async Task M(SettingsContext db, CancellationToken ct)
                    {
                        var settings = await db.Settings.AsNoTracking().ToListAsync(ct);
                        var ratings = db.Ratings.{|#0:ToList|}();                  // an enum column, but an int key
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(WithWeb(source), VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Rating", "belongs to an owner ('UserId'), has 'CreatedAt'"));
        }

        [Fact]
        public async Task Distinct_values_of_one_member_are_one_row_per_value_like_GroupBy()
        {
            // Kavita's statistics (AppUserPreferences.Select(p => p.LayoutMode).Distinct()) and jellyfin's migration
            // (LinkedChildren.Select(lc => lc.ParentId).Distinct()): SELECT DISTINCT col is GROUP BY col.
            var source = WithWeb("""
                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public async Task M(BlogContext db, CancellationToken ct)
                    {
                        var blogIds = await db.Posts.Select(p => p.BlogId).Distinct().ToListAsync(ct);
                        var states = db.Posts.AsNoTracking().Select(p => p.IsPublished).Distinct().ToHashSet();

                        var ids = db.Posts.Select(p => p.Id).Distinct().{|#0:ToList|}();                  // the key: one row per post
                        var pairs = db.Posts.Select(p => new { p.Id, p.Title }).Distinct().{|#1:ToList|}(); // several members
                        var posts = db.Posts.Distinct().{|#2:ToList|}();                                  // whole entities
                        var postIds = db.Blogs.SelectMany(b => b.Posts).Select(p => p.Id).Distinct().{|#3:ToList|}();
                    }
                }
                """);
            var roots = new[] { "Post", "Post", "Post", "Blog" };
            await VerifyCS.VerifyAnalyzerAsync(source,
                roots.Select((root, i) => VerifyCS.Diagnostic("EFP301").WithLocation(i).WithArguments("ToList", "", root, root == "Post" ? PostGrows : BlogGrows)).ToArray());
        }

        [Fact]
        public async Task Test_classes_are_not_reported_their_database_holds_what_the_test_put_there()
        {
            // Kavita's and jellyfin's tests: ResetDb() { db.Series.RemoveRange(db.Series.ToList()); } next to [Fact]
            // methods, and Assert.Equal(expected, db.People.ToArray()) in a [Fact].
            var source = """
                namespace TestFramework
                {
                    public class FactAttribute : System.Attribute { }
                    public sealed class SkippableFactAttribute : FactAttribute { }
                    public sealed class TestFixtureAttribute : System.Attribute { }
                    public sealed class ObsoleteHelperAttribute : System.Attribute { }
                }

                public class PostTests
                {
                    private readonly BlogContext _db = null!;

                    [TestFramework.Fact]
                    public void Adds_a_post() => System.Console.WriteLine(_db.Posts.ToArray().Length);

                    protected async Task ResetDb() => _db.Posts.RemoveRange(await _db.Posts.ToListAsync());
                }

                public class BlogTests
                {
                    [TestFramework.SkippableFact]
                    public async Task Lists() => await _db.Blogs.ToListAsync();
                    private readonly BlogContext _db = null!;

                    class Nested { List<Post> All(BlogContext db) => db.Posts.ToList(); }
                }

                [TestFramework.TestFixture]
                public class CommentFixture { List<Comment> All(BlogContext db) => db.Comments.ToList(); }

                public class PostService
                {
                    [TestFramework.ObsoleteHelper]
                    public List<Post> Test(BlogContext db) => db.Posts.{|#0:ToList|}();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post", PostGrows));
        }

        [Fact]
        public async Task A_test_project_is_not_reported()
        {
            // Kavita's ResetDb helpers whose [Fact]s are commented out: still in a project that references xUnit.
            var source = """
                public abstract class DbTest
                {
                    protected readonly BlogContext Db = null!;
                    protected async Task ResetDb() => Db.Posts.RemoveRange(await Db.Posts.ToListAsync());
                }
                """;
            var test = VerifyCS.Create(source);
            test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
            await test.RunAsync();
        }

        [Fact]
        public async Task Options_exclude_entities_and_report_filtered_queries()
        {
            var source = WithWeb("""
                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public void M(BlogContext db, int blogId)
                    {
                        var comments = db.Comments.ToList();
                        var authors = db.Authors.ToList();
                        var posts = db.Posts.Where(p => p.BlogId == blogId).{|#0:ToList|}();
                        var limited = db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).Take(5).ToList();
                        var blogs = db.Blogs.{|#1:ToList|}();
                    }
                }
                """);
            var test = VerifyCS.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.EFP301.excluded_entities = Comment, Author
                dotnet_code_quality.EFP301.report_filtered = true
                """));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "matching ", "Post", PostGrows));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(1).WithArguments("ToList", "", "Blog", BlogGrows));
            await test.RunAsync();
        }

        [Fact]
        public async Task Global_option_form_is_accepted_and_rule_specific_form_wins()
        {
            var source = WithWeb("""
                class C : Microsoft.AspNetCore.Mvc.ControllerBase
                {
                    public void M(BlogContext db)
                    {
                        var comments = db.Comments.ToList();
                        var posts = db.Posts.{|#0:ToList|}();
                    }
                }
                """);
            var test = VerifyCS.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.excluded_entities = Post
                dotnet_code_quality.EFP301.excluded_entities = Comment
                """));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post", PostGrows));
            await test.RunAsync();

            var globalOnly = VerifyCS.Create(WithWeb("""
                class C : Microsoft.AspNetCore.Mvc.ControllerBase { public void M(BlogContext db) { var t = db.Comments.ToList(); } }
                """));
            globalOnly.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.excluded_entities = Comment\n"));
            await globalOnly.RunAsync();
        }

        [Fact]
        public async Task Works_on_EF_Core_8_and_silent_on_broken_code()
        {
            await VerifyCS.VerifyAnalyzerAsync(WithWeb("""
                class C : Microsoft.AspNetCore.Mvc.ControllerBase { public async Task<List<Comment>> M(BlogContext db) { var t = await db.Comments.{|#0:ToListAsync|}(); return t; } }
                """), EfVersion.Ef8, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToListAsync", "", "Comment", CommentGrows));

            var test = VerifyCS.Create("""
                class C { List<Post> M(BlogContext db) { var t = db.Missing.ToList(); foreach (var x in db.) { } return db.Posts.ToList(
                """);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithSpan("/0/Test1.cs", 1, 114, 1, 120).WithArguments("ToList", "", "Post", PostGrows));
            await test.RunAsync();
        }
    }
}
