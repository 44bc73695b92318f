using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.PagingOrderNotUniqueAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.PagingOrderNotUniqueFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class PagingOrderNotUniqueTests
    {
        /// <summary>A second model with a composite key, unique indexes, an alternate key, a keyless entity and one without a known key.</summary>
        private const string ShopModel = """

            public class PostTag
            {
                public int PostId { get; set; }
                public int TagId { get; set; }
                public int Score { get; set; }
            }

            [Index(nameof(Slug), IsUnique = true)]
            public class Account
            {
                public int Id { get; set; }
                public string Email { get; set; } = "";
                public string Login { get; set; } = "";
                public string Slug { get; set; } = "";
                public string Country { get; set; } = "";
                public DateTime JoinedAt { get; set; }
            }

            public class LogRow
            {
                public DateTime At { get; set; }
                public string Text { get; set; } = "";
            }

            public class Legacy
            {
                public int Code { get; set; }
                public string Name { get; set; } = "";
            }

            public class ShopContext : DbContext
            {
                public DbSet<PostTag> PostTags { get; set; }
                public DbSet<Account> Accounts { get; set; }
                public DbSet<LogRow> Logs { get; set; }
                public DbSet<Legacy> Legacies { get; set; }

                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<PostTag>().HasKey(x => new { x.PostId, x.TagId });
                    b.Entity<Account>(a =>
                    {
                        a.HasIndex(x => x.Email).IsUnique();
                        a.HasAlternateKey(x => x.Login);
                        a.HasIndex(x => x.Country);
                    });
                    b.Entity<LogRow>().HasNoKey();
                }
            }
            """;

        [Fact]
        public async Task Reports_a_page_ordered_by_a_column_with_ties_and_appends_ThenBy_on_the_key()
        {
            var source = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Views).{|#0:Skip|}(page * 20).Take(20).ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Views).ThenBy(p => p.Id).Skip(page * 20).Take(20).ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("p.Views", "Id"));
        }

        [Fact]
        public async Task Descending_order_gets_ThenByDescending_on_its_own_line_in_a_multi_line_chain()
        {
            var source = """
                class C
                {
                    async Task<List<Blog>> Page(BlogContext db, int page, int size, CancellationToken ct)
                    {
                        return await db.Blogs
                            .AsNoTracking()
                            .OrderByDescending(blog => blog.Rating)
                            .ThenBy(blog => blog.Name)
                            .{|#0:Skip|}((page - 1) * size)
                            .Take(size)
                            .ToListAsync(ct);
                    }

                    List<Blog> Newest(BlogContext db, int skip) =>
                        db.Blogs
                            .OrderByDescending(b => b.CreatedAt)
                            .{|#1:Skip|}(skip)
                            .Take(10)
                            .ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<List<Blog>> Page(BlogContext db, int page, int size, CancellationToken ct)
                    {
                        return await db.Blogs
                            .AsNoTracking()
                            .OrderByDescending(blog => blog.Rating)
                            .ThenBy(blog => blog.Name)
                            .ThenBy(blog => blog.Id)
                            .Skip((page - 1) * size)
                            .Take(size)
                            .ToListAsync(ct);
                    }

                    List<Blog> Newest(BlogContext db, int skip) =>
                        db.Blogs
                            .OrderByDescending(b => b.CreatedAt)
                            .ThenByDescending(b => b.Id)
                            .Skip(skip)
                            .Take(10)
                            .ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("blog.Rating, blog.Name", "Id"),
                VerifyCS.Diagnostic("EFP312").WithLocation(1).WithArguments("b.CreatedAt", "Id"));
        }

        [Fact]
        public async Task Composite_key_gets_one_ThenBy_per_missing_key_column()
        {
            var source = """
                class C
                {
                    List<PostTag> ByPost(ShopContext db, int skip) => db.PostTags.OrderBy(x => x.PostId).{|#0:Skip|}(skip).Take(50).ToList();

                    List<PostTag> ByScore(ShopContext db, int skip) => db.PostTags.OrderByDescending(x => x.Score).{|#1:Skip|}(skip).Take(50).ToList();

                    List<PostTag> Unique(ShopContext db, int skip) => db.PostTags.OrderBy(x => x.TagId).ThenBy(x => x.PostId).Skip(skip).Take(50).ToList();
                }
                """ + ShopModel;
            var fixedSource = """
                class C
                {
                    List<PostTag> ByPost(ShopContext db, int skip) => db.PostTags.OrderBy(x => x.PostId).ThenBy(x => x.TagId).Skip(skip).Take(50).ToList();

                    List<PostTag> ByScore(ShopContext db, int skip) => db.PostTags.OrderByDescending(x => x.Score).ThenByDescending(x => x.PostId).ThenByDescending(x => x.TagId).Skip(skip).Take(50).ToList();

                    List<PostTag> Unique(ShopContext db, int skip) => db.PostTags.OrderBy(x => x.TagId).ThenBy(x => x.PostId).Skip(skip).Take(50).ToList();
                }
                """ + ShopModel;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("x.PostId", "PostId, TagId"),
                VerifyCS.Diagnostic("EFP312").WithLocation(1).WithArguments("x.Score", "PostId, TagId"));
        }

        [Fact]
        public async Task Ordering_a_projection_traces_its_members_and_orders_by_the_projected_key()
        {
            var source = """
                class PostRow { public int PostId { get; set; } public string Title { get; set; } = ""; }

                class C
                {
                    object Anonymous(BlogContext db, int skip) =>
                        db.Posts.Select(p => new { p.Id, p.Title, p.Views }).OrderBy(r => r.Views).{|#0:Skip|}(skip).Take(20).ToList();

                    List<PostRow> Dto(BlogContext db, int skip) =>
                        db.Posts.Select(p => new PostRow { PostId = p.Id, Title = p.Title }).OrderBy(r => r.Title).{|#1:Skip|}(skip).Take(20).ToList();

                    object NoKeyProjected(BlogContext db, int skip) =>
                        db.Posts.Select(p => new { p.Title, p.Views }).OrderBy(r => r.Title).{|#2:Skip|}(skip).Take(20).ToList();

                    object ByProjectedKey(BlogContext db, int skip) =>
                        db.Posts.Select(p => new PostRow { PostId = p.Id, Title = p.Title }).OrderBy(r => r.PostId).Skip(skip).Take(20).ToList();
                }
                """;
            var fixedSource = """
                class PostRow { public int PostId { get; set; } public string Title { get; set; } = ""; }

                class C
                {
                    object Anonymous(BlogContext db, int skip) =>
                        db.Posts.Select(p => new { p.Id, p.Title, p.Views }).OrderBy(r => r.Views).ThenBy(r => r.Id).Skip(skip).Take(20).ToList();

                    List<PostRow> Dto(BlogContext db, int skip) =>
                        db.Posts.Select(p => new PostRow { PostId = p.Id, Title = p.Title }).OrderBy(r => r.Title).ThenBy(r => r.PostId).Skip(skip).Take(20).ToList();

                    object NoKeyProjected(BlogContext db, int skip) =>
                        db.Posts.Select(p => new { p.Title, p.Views }).OrderBy(r => r.Title).{|#2:Skip|}(skip).Take(20).ToList();

                    object ByProjectedKey(BlogContext db, int skip) =>
                        db.Posts.Select(p => new PostRow { PostId = p.Id, Title = p.Title }).OrderBy(r => r.PostId).Skip(skip).Take(20).ToList();
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("r.Views", "Id"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(1).WithArguments("r.Title", "Id"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(2).WithArguments("r.Title", "Id"));
            // The projection without the key is reported but has no fix (the key is not there to order by).
            test.FixedState.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(2).WithArguments("r.Title", "Id"));
            test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
            await test.RunAsync();
        }

        [Fact]
        public async Task Ordering_in_a_local_and_a_conditional_sort_are_followed_and_fixed_where_they_are_written()
        {
            var source = """
                class C
                {
                    async Task<List<Post>> Page(BlogContext db, string sort, int skip, int take)
                    {
                        IQueryable<Post> query = db.Posts.Where(p => p.IsPublished);
                        if (sort == "title")
                        {
                            query = query.OrderBy(p => p.Title);
                        }
                        else
                        {
                            query = query.OrderByDescending(p => p.Id);
                        }

                        return await query.{|#0:Skip|}(skip).Take(take).ToListAsync();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<List<Post>> Page(BlogContext db, string sort, int skip, int take)
                    {
                        IQueryable<Post> query = db.Posts.Where(p => p.IsPublished);
                        if (sort == "title")
                        {
                            query = query.OrderBy(p => p.Title).ThenBy(p => p.Id);
                        }
                        else
                        {
                            query = query.OrderByDescending(p => p.Id);
                        }

                        return await query.Skip(skip).Take(take).ToListAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("p.Title", "Id"));
        }

        [Fact]
        public async Task Reports_a_local_reassigned_with_its_own_page()
        {
            var source = """
                class C
                {
                    async Task<List<Post>> Page(BlogContext db, int skip, int size)
                    {
                        var query = db.Posts.AsNoTracking().Include(p => p.Blog).Where(p => p.IsPublished);
                        var total = await query.CountAsync();
                        query = query.OrderByDescending(m => m.PublishedAt).{|#0:Skip|}(skip).Take(size);
                        return await query.ToListAsync();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<List<Post>> Page(BlogContext db, int skip, int size)
                    {
                        var query = db.Posts.AsNoTracking().Include(p => p.Blog).Where(p => p.IsPublished);
                        var total = await query.CountAsync();
                        query = query.OrderByDescending(m => m.PublishedAt).ThenByDescending(m => m.Id).Skip(skip).Take(size);
                        return await query.ToListAsync();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("m.PublishedAt", "Id"));
        }

        [Fact]
        public async Task Navigation_and_computed_orderings_are_not_unique()
        {
            var source = """
                class C
                {
                    List<Post> ByBlog(BlogContext db, int skip) => db.Posts.OrderBy(p => p.Blog.Name).{|#0:Skip|}(skip).Take(20).ToList();

                    List<Author> ByLower(BlogContext db, int skip) => db.Authors.OrderBy(a => a.Name.ToLower()).{|#1:Skip|}(skip).Take(20).ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    List<Post> ByBlog(BlogContext db, int skip) => db.Posts.OrderBy(p => p.Blog.Name).ThenBy(p => p.Id).Skip(skip).Take(20).ToList();

                    List<Author> ByLower(BlogContext db, int skip) => db.Authors.OrderBy(a => a.Name.ToLower()).ThenBy(a => a.Id).Skip(skip).Take(20).ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("p.Blog.Name", "Id"),
                VerifyCS.Diagnostic("EFP312").WithLocation(1).WithArguments("a.Name.ToLower()", "Id"));
        }

        [Fact]
        public async Task Fix_all_completes_an_ordering_shared_by_two_pages_once()
        {
            var source = """
                class C
                {
                    (List<Post>, List<Post>) TwoPages(BlogContext db)
                    {
                        var ordered = db.Posts.OrderBy(p => p.PublishedAt);
                        return (ordered.{|#0:Skip|}(0 + 20).Take(20).ToList(), ordered.{|#1:Skip|}(40).Take(20).ToList());
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    (List<Post>, List<Post>) TwoPages(BlogContext db)
                    {
                        var ordered = db.Posts.OrderBy(p => p.PublishedAt).ThenBy(p => p.Id);
                        return (ordered.Skip(0 + 20).Take(20).ToList(), ordered.Skip(40).Take(20).ToList());
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("p.PublishedAt", "Id"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP312").WithLocation(1).WithArguments("p.PublishedAt", "Id"));
            test.NumberOfFixAllIterations = 1;
            test.NumberOfFixAllInDocumentIterations = 1;
            test.NumberOfFixAllInProjectIterations = 1;
            test.NumberOfIncrementalIterations = 1;
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_when_the_order_includes_a_unique_set()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, ShopContext shop, int skip)
                    {
                        db.Posts.OrderBy(p => p.Id).Skip(skip).Take(20).ToList();
                        db.Posts.OrderByDescending(p => p.Views).ThenBy(p => p.Id).Skip(skip).Take(20).ToList();
                        db.Posts.OrderBy(p => p.Id).ThenBy(p => p.Title).Skip(skip).Take(20).ToList();
                        db.Posts.Include(p => p.Blog).AsNoTracking().Where(p => p.Views > 3).OrderBy(p => p.Title).ThenByDescending(p => p.Id).Skip(skip).Take(20).Select(p => p.Title).ToList();
                        shop.Accounts.OrderBy(a => a.Email).Skip(skip).Take(20).ToList();
                        shop.Accounts.OrderBy(a => a.Login).Skip(skip).Take(20).ToList();
                        shop.Accounts.OrderBy(a => a.Slug).Skip(skip).Take(20).ToList();
                        shop.Accounts.OrderBy(a => a.Country).ThenBy(a => a.Email).Skip(skip).Take(20).ToList();
                        shop.PostTags.OrderBy(x => x.Score).ThenBy(x => x.PostId).ThenBy(x => x.TagId).Skip(skip).Take(20).ToList();
                    }
                }
                """ + ShopModel;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_the_unique_names_of_ASP_NET_Core_Identity_users_and_roles()
        {
            // Identity's own model (unique NormalizedUserName / NormalizedName indexes) lives in a package, out of the source's sight.
            var source = """
                namespace Microsoft.AspNetCore.Identity
                {
                    public class IdentityUser<TKey> { public virtual TKey Id { get; set; } public virtual string UserName { get; set; } public virtual string NormalizedUserName { get; set; } public virtual string Email { get; set; } }
                    public class IdentityRole<TKey> { public virtual TKey Id { get; set; } public virtual string Name { get; set; } public virtual string NormalizedName { get; set; } }
                }

                public class AppUser : Microsoft.AspNetCore.Identity.IdentityUser<string> { public string City { get; set; } }
                public class AppRole : Microsoft.AspNetCore.Identity.IdentityRole<string> { public string Description { get; set; } }

                public class AuthContext : DbContext
                {
                    public DbSet<AppUser> Users { get; set; }
                    public DbSet<AppRole> Roles { get; set; }
                }

                class C
                {
                    void M(AuthContext db, int skip)
                    {
                        db.Users.OrderBy(u => u.UserName).Skip(skip).Take(20).ToList();
                        db.Roles.OrderBy(r => r.Name).Skip(skip).Take(20).ToList();
                        db.Roles.OrderBy(r => r.NormalizedName).Skip(skip).Take(20).ToList();
                        db.Users.OrderBy(u => u.City).{|#0:Skip|}(skip).Take(20).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("u.City", "Id"));
        }

        [Fact]
        public async Task Reports_a_column_with_only_a_plain_index()
        {
            var source = """
                class C
                {
                    List<Account> M(ShopContext shop, int skip) => shop.Accounts.OrderBy(a => a.Country).{|#0:Skip|}(skip).Take(20).ToList();
                }
                """ + ShopModel;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP312").WithLocation(0).WithArguments("a.Country", "Id"));
        }

        [Fact]
        public async Task Silent_for_top_n_skip_only_unordered_and_keyset_paging()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, int skip, DateTime after)
                    {
                        db.Posts.OrderByDescending(p => p.Views).Take(10).ToList();                // top-N: one query
                        db.Posts.OrderByDescending(p => p.Views).Skip(0).Take(10).ToList();        // still top-N
                        db.Posts.OrderByDescending(p => p.PublishedAt).Skip(skip).ToList();        // all but the newest: one query
                        db.Posts.Where(p => p.PublishedAt > after).OrderBy(p => p.PublishedAt).Take(20).ToList(); // keyset paging
                        db.Posts.Where(p => p.IsPublished).Skip(skip).Take(20).ToList();           // unordered: EFP306's finding
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_the_key_or_the_ordering_is_not_known()
        {
            var source = """
                using System.Linq.Expressions;

                record PostLine(int Id, string Title);

                class C
                {
                    void M(BlogContext db, ShopContext shop, Expression<Func<Post, object>> sort, int skip)
                    {
                        shop.Logs.OrderBy(l => l.At).Skip(skip).Take(20).ToList();                 // keyless
                        shop.Legacies.OrderBy(l => l.Name).Skip(skip).Take(20).ToList();           // key not known from source
                        db.Posts.OrderBy(sort).Skip(skip).Take(20).ToList();                       // selector in a variable
                        db.Posts.OrderBy(p => p.Title).ThenBy(sort).Skip(skip).Take(20).ToList();  // may end on the key
                        db.Posts.Select(p => new PostLine(p.Id, p.Title)).OrderBy(l => l.Title).Skip(skip).Take(20).ToList(); // constructor projection
                        db.Posts.GroupBy(p => p.BlogId).Select(g => new { g.Key, Count = g.Count() }).OrderBy(x => x.Count).Skip(skip).Take(20).ToList();
                        db.Blogs.SelectMany(b => b.Posts).OrderBy(p => p.Title).Skip(skip).Take(20).ToList();
                        db.Posts.OrderBy(p => p.Title, StringComparer.Ordinal).Skip(skip).Take(20).ToList();
                        db.Posts.OrderByDescending(p => p.Views).Select(p => p.BlogId).Distinct().Skip(skip).Take(20).ToList(); // EF drops the order
                        db.Posts.Select(p => p.Title).Distinct().OrderBy(t => t).Skip(skip).Take(20).ToList();                  // distinct values
                    }
                }
                """ + ShopModel;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_for_in_memory_paging_and_subqueries()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<Post> posts, int skip)
                    {
                        posts.OrderBy(p => p.Views).Skip(skip).Take(20).ToList();
                        posts.AsQueryable().OrderBy(p => p.Views).Skip(skip).Take(20).ToList();
                        db.Posts.AsEnumerable().OrderBy(p => p.Views).Skip(skip).Take(20).ToList();
                        db.Posts.ToList().OrderBy(p => p.Views).Skip(skip).Take(20).ToList();
                        db.Blogs.Select(b => new { b.Id, Top = b.Posts.OrderBy(p => p.Views).Skip(1).Take(3).ToList() }).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_when_a_later_OrderBy_replaces_the_ordering()
        {
            var source = """
                class C
                {
                    List<Post> M(BlogContext db, int skip) => db.Posts.OrderBy(p => p.Title).OrderBy(p => p.Id).Skip(skip).Take(20).ToList();
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
                class C { List<int> M(IQueryable<int> q, int skip) => q.OrderBy(x => x % 3).Skip(skip).Take(20).ToList(); }
                """;
            await VerifyCS.VerifyAnalyzerAsync(noEf, EfVersion.None);

            var broken = """
                class C
                {
                    void M(BlogContext db, int skip)
                    {
                        db.Posts.OrderBy(p => p.Missing).Skip(skip).Take(20).ToList();
                        db.Nope.OrderBy(p => p.Title).Skip(skip).Take(20).ToList();
                        db.Posts.OrderBy(p => p.Title).Skip(unknown).Take(20).ToList();
                        db.Posts.OrderBy(p => p.).Skip(skip).Take(
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.PagingOrderNotUniqueAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
