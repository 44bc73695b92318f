using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.PagingWithoutOrderByAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.PagingWithoutOrderByFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class PagingWithoutOrderByTests
    {
        private const string KeyHint = " (for example by its key 'Id')";

        [Fact]
        public async Task Fix_puts_OrderBy_on_its_own_line_in_a_multi_line_chain()
        {
            var source = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts
                            .Where(p => p.IsPublished)
                            .{|#0:Skip|}(page * 20)
                            .Take(20)
                            .ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts
                            .Where(p => p.IsPublished)
                            .OrderBy(p => p.Id)
                            .Skip(page * 20)
                            .Take(20)
                            .ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Skip", "", KeyHint));
        }

        [Fact]
        public async Task Reports_and_fixes_skip_take_with_the_key()
        {
            var source = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts.Where(p => p.IsPublished).{|#0:Skip|}(page * 20).Take(20).ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    List<Post> Page(BlogContext db, int page) =>
                        db.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Skip(page * 20).Take(20).ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Skip", "", KeyHint));
        }

        [Fact]
        public async Task Reports_first_without_filter_and_fixes_multiline_chains()
        {
            var source = """
                class C
                {
                    async Task<Blog> M(BlogContext db, CancellationToken ct)
                    {
                        var one = db.Blogs.{|#0:First|}();
                        return await db.Blogs
                            .Include(b => b.Posts)
                            .{|#1:FirstOrDefaultAsync|}(ct);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task<Blog> M(BlogContext db, CancellationToken ct)
                    {
                        var one = db.Blogs.OrderBy(b => b.Id).First();
                        return await db.Blogs
                            .Include(b => b.Posts)
                            .OrderBy(b => b.Id)
                            .FirstOrDefaultAsync(ct);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("First", " or a filter", " (for example by its key 'Id')"),
                VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("FirstOrDefaultAsync", " or a filter", " (for example by its key 'Id')"));
        }

        [Fact]
        public async Task Finds_keys_from_attributes_and_fluent_configuration()
        {
            var source = """
                using System.ComponentModel.DataAnnotations;

                public class Country { [Key] public string Code { get; set; } = ""; public string Name { get; set; } = ""; }
                public class Currency { public string Iso { get; set; } = ""; }
                [PrimaryKey(nameof(Sku))] public class Product { public string Sku { get; set; } = ""; public int Id { get; set; } }
                public class OrderLine { public int OrderId { get; set; } public int Line { get; set; } }

                public class ShopContext : DbContext
                {
                    public DbSet<Country> Countries { get; set; }
                    public DbSet<Currency> Currencies { get; set; }
                    public DbSet<Product> Products { get; set; }
                    public DbSet<OrderLine> Lines { get; set; }

                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        modelBuilder.Entity<Currency>().HasKey(c => c.Iso);
                        modelBuilder.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.Line });
                    }
                }

                class C
                {
                    void M(ShopContext db)
                    {
                        var a = db.Countries.{|#0:Take|}(10).ToList();
                        var b = db.Currencies.{|#1:Skip|}(10).ToList();
                        var c = db.Products.{|#2:Take|}(10).ToList();
                        var d = db.Lines.{|#3:Take|}(10).ToList();
                    }
                }
                """;
            var fixedSource = """
                using System.ComponentModel.DataAnnotations;

                public class Country { [Key] public string Code { get; set; } = ""; public string Name { get; set; } = ""; }
                public class Currency { public string Iso { get; set; } = ""; }
                [PrimaryKey(nameof(Sku))] public class Product { public string Sku { get; set; } = ""; public int Id { get; set; } }
                public class OrderLine { public int OrderId { get; set; } public int Line { get; set; } }

                public class ShopContext : DbContext
                {
                    public DbSet<Country> Countries { get; set; }
                    public DbSet<Currency> Currencies { get; set; }
                    public DbSet<Product> Products { get; set; }
                    public DbSet<OrderLine> Lines { get; set; }

                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        modelBuilder.Entity<Currency>().HasKey(c => c.Iso);
                        modelBuilder.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.Line });
                    }
                }

                class C
                {
                    void M(ShopContext db)
                    {
                        var a = db.Countries.OrderBy(x => x.Code).Take(10).ToList();
                        var b = db.Currencies.OrderBy(x => x.Iso).Skip(10).ToList();
                        var c = db.Products.OrderBy(p => p.Sku).Take(10).ToList();
                        var d = db.Lines.{|#3:Take|}(10).ToList();
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Take", "", " (for example by its key 'Code')"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("Skip", "", " (for example by its key 'Iso')"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP306").WithLocation(2).WithArguments("Take", "", " (for example by its key 'Sku')"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP306").WithLocation(3).WithArguments("Take", "", ""));
            test.FixedState.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP306").WithLocation(3).WithArguments("Take", "", ""));
            test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_through_locals_and_without_fix_after_a_projection()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, bool published)
                    {
                        var q = db.Posts.AsNoTracking();
                        if (published) q = q.Where(p => p.IsPublished);
                        var page = q.{|#0:Take|}(10).ToList();
                        var titles = db.Posts.Select(p => p.Title).{|#1:Skip|}(5).ToList();
                        var third = db.Set<Author>().{|#2:ElementAt|}(2);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("Skip", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(2).WithArguments("ElementAt", "", KeyHint));
        }

        [Fact]
        public async Task Does_not_report_near_misses()
        {
            var source = """
                class C
                {
                    IQueryable<Post> Ordered(BlogContext db) => db.Posts.OrderByDescending(p => p.PublishedAt);

                    async Task M(BlogContext db, int id, bool sort, IQueryable<Post> fromCaller, List<Post> list, CancellationToken ct)
                    {
                        var a = db.Posts.OrderBy(p => p.Title).Skip(10).Take(10).ToList();
                        var b = db.Posts.OrderBy(p => p.Title).ThenBy(p => p.Id).Take(5).ToList();
                        var c = db.Posts.FirstOrDefault(p => p.Id == id);              // key lookup
                        var d = await db.Posts.FirstAsync(p => p.BlogId == id, ct);
                        var e = db.Posts.Where(p => p.BlogId == id).First();          // filtered
                        var f = db.Posts.Single();                                     // Single checks there is one
                        var g = Ordered(db).Take(3).ToList();                          // ordered in a helper
                        var q = db.Posts.AsQueryable();
                        if (sort) q = q.OrderBy(p => p.Views);
                        var h = q.Take(10).ToList();                                   // ordered on some path: not sure
                        var i = fromCaller.Take(10).ToList();                          // the caller may have ordered it
                        var j = db.Posts.FromSqlRaw("SELECT * FROM Posts ORDER BY Id").Take(5).ToList();
                        var k = list.Skip(1).First();                                  // in memory
                        var l = db.Posts.AsEnumerable().Skip(1).ToList();              // client side
                        var m = db.Blogs.Where(b => b.Posts.Skip(1).Any()).ToList();   // inside SQL
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_a_query_a_helper_orders_on_every_path()
        {
            // FP-3 (fullstackhero SearchBrandsQueryHandler): q = ApplySort(q, sortBy); q.Skip(..).Take(..).
            var source = """
                static class Sorting
                {
                    public static IQueryable<Post> SortedBy(this IQueryable<Post> q, bool desc)
                        => desc ? q.OrderByDescending(p => p.Views) : q.OrderBy(p => p.Views);
                }

                class C
                {
                    static IQueryable<Post> ApplySort(IQueryable<Post> q, string by) => by switch
                    {
                        "title" => q.OrderBy(p => p.Title),
                        "views" => q.OrderByDescending(p => p.Views).ThenBy(p => p.Id),
                        null => throw new ArgumentNullException(nameof(by)),
                        _ => q.OrderBy(p => p.Id),
                    };

                    static IQueryable<Post> IfElse(IQueryable<Post> q, bool desc)
                    {
                        if (desc)
                        {
                            return q.OrderByDescending(p => p.PublishedAt);
                        }
                        else
                        {
                            return q.Where(p => p.IsPublished).OrderBy(p => p.PublishedAt).Where(p => p.Views > 0);
                        }
                    }

                    static IQueryable<Post> Reassigned(IQueryable<Post> query, string by)
                    {
                        query = query.Where(p => p.IsPublished);
                        query = by == "title" ? query.OrderBy(p => p.Title) : query.OrderBy(p => p.Id);
                        return query;
                    }

                    static IQueryable<Post> Nested(IQueryable<Post> q, string by) => ApplySort(q.Where(p => p.Views > 0), by);
                    static IOrderedQueryable<Post> ByType(IQueryable<Post> q) => Sort(q);
                    static IOrderedQueryable<Post> Sort(IQueryable<Post> q) => q.OrderBy(p => p.Id);

                    async Task<List<Post>> Search(BlogContext db, string term, string sortBy, int n, int size, CancellationToken ct)
                    {
                        IQueryable<Post> q = db.Posts.AsNoTracking();
                        if (term is not null) q = q.Where(p => p.Title.Contains(term));
                        q = ApplySort(q, sortBy);
                        return await q.Skip((n - 1) * size).Take(size).ToListAsync(ct);
                    }

                    void Variants(BlogContext db, string by, bool desc)
                    {
                        var a = db.Posts.AsQueryable();
                        a = IfElse(a, desc);
                        var pa = a.Skip(10).Take(10).ToList();

                        var b = db.Posts.Where(p => p.IsPublished);
                        b = b.SortedBy(desc);
                        var pb = b.Skip(10).Take(10).ToList();

                        var c = db.Posts.AsQueryable();
                        c = Reassigned(c, by);
                        var pc = c.Take(10).ToList();

                        var d = db.Posts.AsQueryable();
                        d = Nested(d, by);
                        var pd = d.Skip(5).First();

                        IQueryable<Post> e = db.Posts;
                        e = ByType(e);
                        var pe = e.Take(3).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_a_query_that_went_through_a_call_it_cannot_see_into()
        {
            var source = """
                public interface ISorter { IQueryable<Post> Apply(IQueryable<Post> q); }
                public abstract class SorterBase { public abstract IQueryable<Post> Apply(IQueryable<Post> q); }

                class C
                {
                    void M(BlogContext db, ISorter sorter, SorterBase sorterBase, Func<IQueryable<Post>, IQueryable<Post>> sort)
                    {
                        var a = db.Posts.AsQueryable();
                        a = sorter.Apply(a);
                        var pa = a.Skip(10).Take(10).ToList();

                        var b = db.Posts.AsQueryable();
                        b = sort(b);
                        var pb = b.Skip(10).Take(10).ToList();

                        var c = db.Posts.AsQueryable();
                        c = sorterBase.Apply(c);
                        var pc = c.Take(10).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_a_query_a_helper_orders_on_some_paths_only_or_not_at_all()
        {
            var source = """
                class C
                {
                    static IQueryable<Post> SortSometimes(IQueryable<Post> q, string by) => by switch
                    {
                        "title" => q.OrderBy(p => p.Title),
                        _ => q,
                    };

                    static IQueryable<Post> SortIf(IQueryable<Post> q, bool sort)
                    {
                        if (sort)
                        {
                            return q.OrderBy(p => p.Id);
                        }

                        return q.Where(p => p.IsPublished);
                    }

                    static IQueryable<Post> Filter(IQueryable<Post> q, string term) => q.Where(p => p.Title.Contains(term));
                    static IQueryable<Post> PassThrough(IQueryable<Post> q) => q;

                    void M(BlogContext db, string by, bool sort)
                    {
                        var a = db.Posts.AsQueryable();
                        a = SortSometimes(a, by);
                        var pa = a.{|#0:Skip|}(10).Take(10).ToList();

                        var b = db.Posts.AsQueryable();
                        b = SortIf(b, sort);
                        var pb = b.{|#1:Take|}(10).ToList();

                        var c = db.Posts.AsQueryable();
                        c = Filter(c, by);
                        var pc = c.{|#2:Skip|}(10).Take(10).ToList();

                        var d = db.Posts.AsQueryable();
                        d = PassThrough(d);
                        var pd = d.{|#3:Take|}(10).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Skip", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(2).WithArguments("Skip", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(3).WithArguments("Take", "", KeyHint));
        }

        [Fact]
        public async Task Silent_on_half_typed_sort_helpers()
        {
            var broken = """
                class C
                {
                    static IQueryable<Post> ApplySort(IQueryable<Post> q, string by) => by switch
                    {
                        "title" => q.OrderBy(p => p.,
                        _ => q.Nope(
                    };

                    static IQueryable<Post> Loop(IQueryable<Post> q) => Loop(Loop(q));

                    void M(BlogContext db, string by)
                    {
                        var q = db.Posts.AsQueryable();
                        q = ApplySort(q, by;
                        q = Loop(q);
                        q = Undefined(q);
                        var page = q.Skip(1).Take(
                    }
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.PagingWithoutOrderByAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }

        [Fact]
        public async Task Does_not_report_delete_in_batches_loops()
        {
            // Every row is deleted: which rows make up each batch does not matter.
            var source = """
                class C
                {
                    async Task Purge(BlogContext db, CancellationToken ct)
                    {
                        while (await db.Posts.Where(p => !p.IsPublished).Take(500).ExecuteDeleteAsync(ct) > 0) { }

                        int deleted;
                        do
                        {
                            deleted = db.Comments.Take(1000).ExecuteDelete();
                        }
                        while (deleted > 0);

                        while (true)
                        {
                            var batch = await db.Posts.Where(p => p.Views == 0).Take(100).ToListAsync(ct);
                            if (batch.Count == 0) break;
                            db.Posts.RemoveRange(batch);
                            await db.SaveChangesAsync(ct);
                        }

                        while (true)
                        {
                            var ids = db.Tags.Select(t => t.Id).Take(200).ToList();
                            if (ids.Count == 0) break;
                            db.Tags.Where(t => ids.Contains(t.Id)).ExecuteDelete();
                        }

                        // jellyfin's PeopleValidationTask: the batch is copied to a buffer, then deleted by keys.
                        var buffer = new int[100];
                        int count;
                        do
                        {
                            count = 0;
                            await foreach (var id in db.Comments.Where(c => c.Text == "").Select(c => c.Id).Take(100).AsAsyncEnumerable())
                            {
                                buffer[count++] = id;
                            }

                            for (var i = 0; i < count; i++)
                            {
                                var id = buffer[i];
                                await db.Comments.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
                            }
                        }
                        while (count == 100);

                        // Oqtane's DeleteAllSearchContent: the first batch is read before the loop, the next ones in it.
                        var primed = db.Posts.Where(p => p.Views < 0).Take(100).ToList();
                        while (primed.Count > 0)
                        {
                            db.Posts.RemoveRange(primed);
                            db.SaveChanges();
                            primed = db.Posts.Where(p => p.Views < 0).Take(100).ToList();
                        }

                        for (var round = 0; round < 100; round++)
                        {
                            var rows = db.Blogs.Where(b => b.IsArchived).Take(50).ToList();
                            if (rows.Count == 0) break;
                            foreach (var row in rows) db.Blogs.Remove(row);
                            db.SaveChanges();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_delete_drains_through_a_context_interface_or_a_context_Remove()
        {
            // The delete drain asks TrackerCall, as EFP204 does: a context interface's RemoveRange/Remove deletes (it
            // counted only a DbContext's), and a context's Remove(row) deletes rows of the row's set (it counted only a DbSet's).
            var source = """
                public interface IAppDbContext { DbSet<Post> Posts { get; } void Remove(object entity); void RemoveRange(IEnumerable<object> entities); int SaveChanges(); }

                class C
                {
                    void Purge(IAppDbContext app, BlogContext db)
                    {
                        while (true)
                        {
                            var batch = app.Posts.Where(p => p.Views == 0).Take(100).ToList();
                            if (batch.Count == 0) break;
                            app.RemoveRange(batch);
                            app.SaveChanges();
                        }

                        while (true)
                        {
                            var rows = app.Posts.Where(p => p.Views < 0).Take(100).ToList();
                            if (rows.Count == 0) break;
                            foreach (var row in rows) app.Remove(row);
                            app.SaveChanges();
                        }

                        var buffer = new Post[100];
                        int count;
                        do
                        {
                            count = 0;
                            foreach (var post in db.Posts.Where(p => p.Views > 1000).Take(100).ToList())
                            {
                                buffer[count++] = post;
                            }

                            for (var i = 0; i < count; i++)
                            {
                                db.Remove(buffer[i]);
                            }

                            db.SaveChanges();
                        }
                        while (count == 100);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_take_that_is_not_a_delete_drain()
        {
            // Outside a loop, per element of a foreach, or read without deleting: which rows come back is arbitrary.
            var source = """
                class C
                {
                    void M(BlogContext db, List<Blog> blogs)
                    {
                        db.Posts.Where(p => !p.IsPublished).{|#0:Take|}(500).ExecuteDelete();

                        foreach (var blog in blogs)
                        {
                            db.Posts.Where(p => p.BlogId == blog.Id).{|#1:Take|}(10).ExecuteDelete();
                        }

                        while (true)
                        {
                            var batch = db.Posts.Where(p => p.Views == 0).{|#2:Take|}(100).ToList();
                            if (batch.Count == 0) break;
                            foreach (var post in batch) post.Views = 1;
                            db.Comments.Where(c => c.PostId == batch[0].Id).ExecuteDelete();
                            db.SaveChanges();
                        }

                        // Read before a loop that only updates it: a page of arbitrary rows.
                        var first = db.Posts.Where(p => p.Views == 0).{|#3:Take|}(100).ToList();
                        while (first.Count > 0)
                        {
                            foreach (var post in first) post.Views = 1;
                            db.SaveChanges();
                            first = db.Posts.Where(p => p.Views == 0).{|#4:Take|}(100).ToList();
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(2).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(3).WithArguments("Take", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(4).WithArguments("Take", "", KeyHint));
        }

        [Fact]
        public async Task A_random_offset_picks_a_random_row_whatever_the_order()
        {
            // Kavita's GetRandomGenre: Skip(new Random().Next(0, count)).Take(1): any order serves a random pick.
            var source = """
                class C
                {
                    async Task M(BlogContext db, int page, CancellationToken ct)
                    {
                        var count = await db.Posts.CountAsync(ct);
                        var index = new Random().Next(0, count);
                        var a = await db.Posts.Skip(index).Take(1).FirstOrDefaultAsync(ct);
                        var b = db.Posts.Skip(Random.Shared.Next(count)).First();
                        var c = db.Posts.ElementAt(Random.Shared.Next(count));

                        var offset = Random.Shared.Next(count);
                        offset = page * 20;                                            // no longer random
                        var d = db.Posts.{|#0:Skip|}(offset).Take(20).ToList();
                        var e = db.Posts.{|#1:Skip|}(page * 20).Take(Random.Shared.Next(5)).ToList();  // random size, fixed offset
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Skip", "", KeyHint),
                VerifyCS.Diagnostic("EFP306").WithLocation(1).WithArguments("Skip", "", KeyHint));
        }

        [Fact]
        public async Task Works_on_EF_Core_8_and_silent_on_broken_code()
        {
            var source = """
                class C
                {
                    List<Post> M(BlogContext db) => db.Posts.{|#0:Take|}(3).ToList();
                }
                """;
            var fixedSource = """
                class C
                {
                    List<Post> M(BlogContext db) => db.Posts.OrderBy(p => p.Id).Take(3).ToList();
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8,
                VerifyCS.Diagnostic("EFP306").WithLocation(0).WithArguments("Take", "", KeyHint));

            var broken = """
                class C
                {
                    void M(BlogContext db) { var x = db.Posts.Skip().Take(; var y = db.Nope.First(
                }
                """;
            var test = CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.PagingWithoutOrderByAnalyzer>.Create(broken);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            await test.RunAsync();
        }
    }
}
