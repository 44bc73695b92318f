using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Loading.NavigationLoadingAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Loading.NavigationLoadingFixer>;

namespace PerfAnalyzers.Tests.Rules.Loading
{
    public class NavigationLoadingTests
    {
        /// <summary>A second model whose context turns lazy-loading proxies on (virtual navigations).</summary>
        private const string LazyModel = """

            public class Shop { public int Id { get; set; } public string Name { get; set; } = ""; public virtual List<Order> Orders { get; set; } = new(); public virtual Owner Owner { get; set; } }
            public class Order { public int Id { get; set; } public int ShopId { get; set; } public virtual Shop Shop { get; set; } public virtual Owner Customer { get; set; } public virtual List<Line> Lines { get; set; } = new(); }
            public class Owner { public int Id { get; set; } public string Name { get; set; } = ""; }
            public class Line { public int Id { get; set; } public int Qty { get; set; } }
            public class ShopContext : DbContext
            {
                public DbSet<Shop> Shops { get; set; }
                public DbSet<Order> Orders { get; set; }
                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseLazyLoadingProxies();
            }
            """;

        // ---------------- EFP103 ----------------

        [Fact]
        public async Task Reports_navigation_not_loaded_from_list_first_and_foreach()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var blogs = db.Blogs.Where(b => b.Rating > 3).ToList();
                        foreach (var blog in blogs)
                        {
                            Console.WriteLine(blog.{|#0:Posts|}.Count);
                        }
                    }

                    void N(BlogContext db)
                    {
                        var post = db.Posts.First(p => p.Id == 1);
                        Console.WriteLine(post.{|#1:Blog|}.Name);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Blog.Posts", "Blog"),
                VerifyCS.Diagnostic("EFP103").WithLocation(1).WithArguments("Post.Blog", "Post"));
        }

        [Fact]
        public async Task Reports_async_lambda_and_find_without_fix()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        var posts = await db.Posts.ToListAsync(ct);
                        var names = posts.Select(p => new { Author = p.{|#0:Author|}.Name, p.Title }).ToList();
                        var blog = await db.Blogs.FindAsync(1);
                        var count = blog.{|#1:Tags|}.Count;
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Post.Author", "Post"),
                VerifyCS.Diagnostic("EFP103").WithLocation(1).WithArguments("Blog.Tags", "Blog"));
        }

        [Fact]
        public async Task Does_not_report_when_loaded_or_not_an_entity_from_a_query_except_across_contexts()
        {
            var source = """
                class C
                {
                    List<Blog> _cache = new();

                    void M(BlogContext db, Blog parameterBlog)
                    {
                        // Include (lambda, string, nested, filtered) and ThenInclude
                        foreach (var b in db.Blogs.Include(b => b.Posts).ThenInclude(p => p.Author).ToList())
                        {
                            Console.WriteLine(b.Posts.Count);
                            foreach (var p in b.Posts) Console.WriteLine(p.Author.Name);
                        }

                        foreach (var b in db.Blogs.Include("Posts.Comments").Include(b => b.Tags.Where(t => t.Label != "")))
                        {
                            Console.WriteLine(b.Tags.Count + b.Posts.Sum(p => p.Comments.Count));
                        }

                        // Expression trees are SQL; projections are fine.
                        var counts = db.Blogs.Select(b => new { b.Name, b.Posts.Count }).ToList();
                        var filtered = db.Blogs.Where(b => b.Author.Name == "x").ToList();

                        // Unknown origins: parameters, fields, new.
                        Console.WriteLine(parameterBlog.Posts.Count);
                        Console.WriteLine(_cache[0].Posts.Count);
                        var created = new Blog();
                        Console.WriteLine(created.Posts.Count);

                        // Assigned or explicitly loaded first.
                        var one = db.Blogs.First();
                        db.Entry(one).Collection(x => x.Tags).Load();
                        db.Entry(one).Reference("Author").Load();
                        Console.WriteLine(one.Tags.Count + one.Author.Name);
                        var two = db.Posts.First();
                        two.Blog = new Blog();
                        two.Comments.Add(new Comment());
                        Console.WriteLine(two.Blog.Name);

                        // Writes are not reads.
                        var three = db.Blogs.Single(x => x.Id == 3);
                        three.Author = null;
                        three.Posts.Add(new Post());
                    }

                    void Tracked(BlogContext db)
                    {
                        // The posts are tracked by an earlier query: fix-up fills blog.Posts.
                        var posts = db.Posts.Where(p => p.BlogId == 1).ToList();
                        var blog = db.Blogs.First(b => b.Id == 1);
                        Console.WriteLine(blog.Posts.Count);
                    }

                    void OtherContext(BlogContext db, BlogContext other)
                    {
                        // Fix-up happens only inside one context: these authors are tracked by 'other'.
                        var authors = other.Authors.ToList();
                        var post = db.Posts.First();
                        Console.WriteLine(post.{|#0:Author|}.Name);
                    }

                    void Projected(BlogContext db)
                    {
                        var rows = db.Blogs.Select(b => new Blog { Name = b.Name }).ToList();
                        foreach (var r in rows) Console.WriteLine(r.Posts.Count);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Post.Author", "Post"));
        }

        [Fact]
        public async Task Does_not_report_auto_included_or_owned_navigations()
        {
            var source = """
                [Owned]
                public class Address { public string City { get; set; } = ""; }
                public class Customer
                {
                    public int Id { get; set; }
                    public Address Home { get; set; }
                    public Address Work { get; set; }
                    public Blog FavoriteBlog { get; set; }
                    public List<Tag> Tags { get; set; } = new();
                }
                public class ShopDb : DbContext
                {
                    public DbSet<Customer> Customers { get; set; }
                    protected override void OnModelCreating(ModelBuilder b)
                    {
                        b.Entity<Customer>().Navigation(c => c.FavoriteBlog).AutoInclude();
                        b.Entity<Customer>().OwnsMany(c => c.Tags);
                    }
                }
                class C
                {
                    void M(ShopDb db)
                    {
                        foreach (var c in db.Customers.ToList())
                        {
                            Console.WriteLine(c.Home.City + c.Work.City + c.FavoriteBlog.Name + c.Tags.Count);
                        }

                        foreach (var c in db.Customers.IgnoreAutoIncludes().ToList())
                        {
                            Console.WriteLine(c.{|#0:FavoriteBlog|}.Name);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Customer.FavoriteBlog", "Customer"));
        }

        [Fact]
        public async Task Nested_path_reported_only_when_its_prefix_is_loaded()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Include(b => b.Posts).ToList())
                        {
                            foreach (var post in blog.Posts)
                            {
                                Console.WriteLine(post.{|#0:Author|}.Name);
                            }
                        }
                    }

                    void N(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.ToList())
                        {
                            foreach (var post in blog.{|#1:Posts|})
                            {
                                Console.WriteLine(post.Author.Name);
                            }
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Include(b => b.Posts).ThenInclude(p => p.Author).ToList())
                        {
                            foreach (var post in blog.Posts)
                            {
                                Console.WriteLine(post.Author.Name);
                            }
                        }
                    }

                    void N(BlogContext db)
                    {
                        foreach (var blog in db.Blogs.Include(b => b.Posts).ThenInclude(p => p.Author).ToList())
                        {
                            foreach (var post in blog.Posts)
                            {
                                Console.WriteLine(post.Author.Name);
                            }
                        }
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Post.Author", "Blog"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP103").WithLocation(1).WithArguments("Blog.Posts", "Blog"));
            test.NumberOfIncrementalIterations = 3;
            test.NumberOfFixAllIterations = 2;
            test.NumberOfFixAllInDocumentIterations = 2;
            test.NumberOfFixAllInProjectIterations = 2;
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_adds_include_after_the_root_keeping_the_chain_layout()
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db)
                    {
                        var blogs = await db.Blogs
                            .Where(b => b.Rating > 3)
                            .ToListAsync();
                        foreach (var blog in blogs)
                        {
                            Console.WriteLine(blog.{|#0:Author|}.Name);
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
                            .Include(b => b.Author)
                            .Where(b => b.Rating > 3)
                            .ToListAsync();
                        foreach (var blog in blogs)
                        {
                            Console.WriteLine(blog.Author.Name);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Blog.Author", "Blog"));
        }

        [Fact]
        public async Task Fix_all_merges_reads_of_one_query_and_avoids_parameter_name_clashes()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var b = 1;
                        var list = db.Set<Blog>().Where(x => x.Id > b).ToList();
                        foreach (var blog in list)
                        {
                            Console.WriteLine(blog.{|#0:Author|}.Name + blog.{|#1:Tags|}.Count + blog.Author.Email);
                        }
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var b = 1;
                        var list = db.Set<Blog>().Include(b2 => b2.Author).Include(b2 => b2.Tags).Where(x => x.Id > b).ToList();
                        foreach (var blog in list)
                        {
                            Console.WriteLine(blog.Author.Name + blog.Tags.Count + blog.Author.Email);
                        }
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(
                source,
                fixedSource,
                EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP103").WithLocation(0).WithArguments("Blog.Author", "Blog"),
                VerifyCS.Diagnostic("EFP103").WithLocation(1).WithArguments("Blog.Tags", "Blog"));
        }

        // ---------------- EFP102 ----------------

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Reports_lazy_loading_in_loops_only_for_the_lazy_context(EfVersion version)
        {
            var source = """
                class C
                {
                    void M(ShopContext shops, BlogContext blogs)
                    {
                        foreach (var shop in shops.Shops.ToList())
                        {
                            Console.WriteLine(shop.{|#0:Orders|}.Count);
                        }

                        N(shops);

                        // One entity: one lazy load, not an N+1.
                        var single = shops.Shops.First();
                        Console.WriteLine(single.Owner.Name);

                        // The other context has no proxies: EFP103, not EFP102.
                        foreach (var blog in blogs.Blogs.ToList())
                        {
                            Console.WriteLine(blog.{|#2:Posts|}.Count);
                        }
                    }

                    void N(ShopContext shops) => shops.Orders.ToList().ForEach(o => Console.WriteLine(o.{|#1:Customer|}.Name));
                }
                """ + LazyModel;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                version,
                VerifyCS.Diagnostic("EFP102").WithLocation(0).WithArguments("Shop.Orders", "Shop"),
                VerifyCS.Diagnostic("EFP102").WithLocation(1).WithArguments("Order.Customer", "Order"),
                VerifyCS.Diagnostic("EFP103").WithLocation(2).WithArguments("Blog.Posts", "Blog"));
        }

        [Fact]
        public async Task Lazy_loading_per_registration_and_lazy_loader_entities()
        {
            var source = """
                using Microsoft.EntityFrameworkCore.Infrastructure;
                using Microsoft.Extensions.DependencyInjection;

                public class Store { public int Id { get; set; } public virtual List<Item> Items { get; set; } = new(); }
                public class Item { public int Id { get; set; } }
                public class StoreContext : DbContext
                {
                    public StoreContext(DbContextOptions<StoreContext> o) : base(o) { }
                    public DbSet<Store> Stores { get; set; }
                }
                public class Lazy
                {
                    private readonly ILazyLoader _loader;
                    public Lazy(ILazyLoader loader) { _loader = loader; }
                    public int Id { get; set; }
                    public List<Item> Items { get; set; } = new();
                }
                public class LazyDb : DbContext
                {
                    public LazyDb(DbContextOptions<LazyDb> o) : base(o) { }
                    public DbSet<Lazy> Lazies { get; set; }
                }
                static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddDbContext<StoreContext>(o => o.UseLazyLoadingProxies());
                        services.AddDbContext<LazyDb>(o => { });
                    }
                }
                class C
                {
                    void M(StoreContext db, LazyDb lazy)
                    {
                        foreach (var s in db.Stores) Console.WriteLine(s.{|#0:Items|}.Count);
                        foreach (var l in lazy.Lazies.AsNoTracking()) Console.WriteLine(l.{|#1:Items|}.Count);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("EFP102").WithLocation(0).WithArguments("Store.Items", "Store"),
                VerifyCS.Diagnostic("EFP102").WithLocation(1).WithArguments("Lazy.Items", "Lazy"));
        }

        [Fact]
        public async Task Unknown_lazy_configuration_with_virtual_navigations_stays_silent()
        {
            var source = """
                public class Vb { public int Id { get; set; } public virtual List<Vp> Ps { get; set; } = new(); }
                public class Vp { public int Id { get; set; } }
                public class VContext : DbContext
                {
                    public VContext(DbContextOptions<VContext> o) : base(o) { }
                    public DbSet<Vb> Bs { get; set; }
                }
                class C
                {
                    void M(VContext db)
                    {
                        foreach (var b in db.Bs.ToList()) Console.WriteLine(b.Ps.Count);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_for_lazy_loading_adds_nested_include()
        {
            var source = """
                class C
                {
                    void M(ShopContext db)
                    {
                        var shop = db.Shops.First();
                        foreach (var order in shop.Orders)
                        {
                            Console.WriteLine(order.{|#0:Customer|}.Name);
                        }
                    }
                }
                """ + LazyModel;
            var fixedSource = """
                class C
                {
                    void M(ShopContext db)
                    {
                        var shop = db.Shops.Include(s => s.Orders).ThenInclude(o => o.Customer).First();
                        foreach (var order in shop.Orders)
                        {
                            Console.WriteLine(order.Customer.Name);
                        }
                    }
                }
                """ + LazyModel;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, VerifyCS.Diagnostic("EFP102").WithLocation(0).WithArguments("Order.Customer", "Shop"));
        }

        [Fact]
        public async Task Broken_code_does_not_crash()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var b in db.Blogs.{|CS1061:Inclde|}(x => x.Posts).ToList())
                        {
                            Console.WriteLine(b.Posts.Count);
                        }

                        var p = db.Posts.First();
                        Console.WriteLine(p.{|CS1061:Blogg|}.Name);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
