using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.UnindexedFilterAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class UnindexedFilterTests
    {
        /// <summary>Why Order and Line grow with use in the shop model.</summary>
        private const string OrderGrows = "belongs to 'Customer', has 'CreatedAt'";
        private const string LineGrows = "belongs to 'Order', has 'CreatedAt'";

        /// <summary>
        /// A model with its configuration in OnModelCreating: orders (growing, owned by a customer) with an indexed column,
        /// an [Index] column, a composite index, bool and enum columns; lines (growing, an FK by convention); customers (no
        /// owner: does not grow); countries (seeded).
        /// </summary>
        private const string Shop = """

            public enum OrderStatus { New, Paid, Shipped }

            [Index(nameof(ExternalId))]
            public class Order
            {
                public int Id { get; set; }
                public int CustomerId { get; set; }
                public DateTime CreatedAt { get; set; }
                public string Reference { get; set; } = "";
                public string Email { get; set; } = "";
                public string TrackingCode { get; set; } = "";
                public Guid ExternalId { get; set; }
                public string Region { get; set; } = "";
                public string City { get; set; } = "";
                public decimal Total { get; set; }
                public decimal Paid { get; set; }
                public bool IsGift { get; set; }
                public OrderStatus Status { get; set; }
                public Customer? Customer { get; set; }
                public List<Line> Lines { get; set; } = new();
            }

            public class Line
            {
                public int Id { get; set; }
                public int OrderId { get; set; }
                public Order? Order { get; set; }
                public string Sku { get; set; } = "";
                public DateTime CreatedAt { get; set; }
            }

            public class Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public string Email { get; set; } = "";
            }

            public class Country
            {
                public int Id { get; set; }
                public string Code { get; set; } = "";
                public int CustomerId { get; set; }
                public DateTime CreatedAt { get; set; }
            }

            public class ShopContext : DbContext
            {
                public DbSet<Order> Orders { get; set; }
                public DbSet<Line> Lines { get; set; }
                public DbSet<Customer> Customers { get; set; }
                public DbSet<Country> Countries { get; set; }

                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Order>(o =>
                    {
                        o.HasIndex(x => x.TrackingCode);
                        o.HasIndex(x => new { x.Region, x.City });
                    });
                    b.Entity<Country>().HasData(new Country { Id = 1, Code = "NL" });
                }
            }
            """;

        private static DiagnosticResult Finding(int marker, string op, string entity, string column, string growth)
            => VerifyCS.Diagnostic("EFP314").WithLocation(marker).WithArguments(op, entity, column, growth);

        [Fact]
        public async Task Reports_lookups_by_a_column_no_index_covers()
        {
            var source = Shop + """

                class Orders
                {
                    Order? ByReference(ShopContext db, string reference) => db.Orders.FirstOrDefault(o => {|#0:o.Reference|} == reference);

                    Task<Order?> ByEmail(ShopContext db, string email) => db.Orders.AsNoTracking().FirstOrDefaultAsync(o => email == {|#1:o.Email|});

                    bool Exists(ShopContext db, decimal total) => db.Set<Order>().Any(o => {|#2:o.Total|} == total);

                    int Known(ShopContext db, string sku) => db.Lines.Where(l => {|#3:l.Sku|} == sku).Select(l => l.Id).SingleOrDefault();

                    Order Latest(ShopContext db, string email) => db.Orders.OrderBy(o => o.Id).Where(o => {|#4:o.Email|} == email).OrderByDescending(o => o.CreatedAt).First();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Finding(0, "FirstOrDefault", "Order", "Reference", OrderGrows),
                Finding(1, "FirstOrDefaultAsync", "Order", "Email", OrderGrows),
                Finding(2, "Any", "Order", "Total", OrderGrows),
                Finding(3, "Where", "Line", "Sku", LineGrows),
                Finding(4, "Where", "Order", "Email", OrderGrows));
        }

        [Fact]
        public async Task Reports_a_column_once_per_method_and_the_second_column_of_a_composite_index()
        {
            var source = Shop + """

                class Orders
                {
                    void Twice(ShopContext db, string reference)
                    {
                        var a = db.Orders.FirstOrDefault(o => {|#0:o.Reference|} == reference);
                        var b = db.Orders.Any(o => o.Reference == reference);
                        var c = db.Orders.FirstOrDefault(o => {|#1:o.City|} == reference);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Finding(0, "FirstOrDefault", "Order", "Reference", OrderGrows),
                Finding(1, "FirstOrDefault", "Order", "City", OrderGrows));
        }

        [Fact]
        public async Task Does_not_report_lists_counts_and_ranges()
        {
            // Only lookups (First*/Single*/Any by equality) say the value is selective; a list, a count or a range may
            // read most of the table with or without an index (a status, a date window of a clean-up job, a view count).
            var source = Shop + """

                class Orders
                {
                    void NotLookups(ShopContext db, string reference, decimal min, DateTime since)
                    {
                        var a = db.Orders.Where(o => o.Reference == reference).ToList();
                        var b = db.Orders.Count(o => o.Reference == reference);
                        var c = db.Orders.FirstOrDefault(o => o.Total > min);
                        var d = db.Orders.Where(o => o.CreatedAt < since).ToList();
                        var e = db.Orders.Where(o => o.Email == reference);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_a_query_built_elsewhere_or_filtered_in_steps_on_an_indexed_column()
        {
            // Jellyfin's MediaStreamRepository.TranslateQuery: the query comes in as a parameter, is filtered on the key's
            // leading column in one statement and on another column in a later one.
            var source = Shop + """

                class Orders
                {
                    Order? Passed(IQueryable<Order> orders, string reference) => orders.FirstOrDefault(o => o.Reference == reference);

                    IQueryable<Order> Mine(ShopContext db, int customer) => db.Orders.Where(o => o.CustomerId == customer);

                    Order? Helper(ShopContext db, int customer, string reference) => Mine(db, customer).FirstOrDefault(o => o.Reference == reference);

                    Order? Steps(ShopContext db, int customer, string? reference)
                    {
                        var query = db.Orders.AsQueryable();
                        if (reference is not null)
                        {
                            return query.Where(o => o.Reference == reference).FirstOrDefault();
                        }

                        query = query.Where(o => o.CustomerId == customer);
                        return query.FirstOrDefault();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_keys_foreign_keys_and_indexed_columns()
        {
            var source = Shop + """

                class Orders
                {
                    void Lookups(ShopContext db, int id, Guid external, string code, string region)
                    {
                        var a = db.Orders.Find(id);
                        var b = db.Orders.FirstOrDefault(o => o.Id == id);
                        var c = db.Orders.FirstOrDefault(o => o.CustomerId == id);   // FK by the Customer type's name
                        var d = db.Lines.FirstOrDefault(l => l.OrderId == id);       // FK next to its navigation
                        var e = db.Orders.SingleOrDefault(o => o.ExternalId == external); // [Index]
                        var f = db.Orders.FirstOrDefault(o => o.TrackingCode == code);   // HasIndex
                        var g = db.Orders.Any(o => o.Region == region);                  // leads a composite index
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_when_another_condition_uses_an_index()
        {
            var source = Shop + """

                class Orders
                {
                    void Narrowed(ShopContext db, int customer, string reference, string name)
                    {
                        var a = db.Orders.FirstOrDefault(o => o.CustomerId == customer && o.Reference == reference);
                        var b = db.Orders.FirstOrDefault(o => o.Reference == reference && o.CustomerId == customer);
                        var c = db.Orders.Where(o => o.CustomerId == customer).FirstOrDefault(o => o.Email == reference);
                        var d = db.Orders.Where(o => o.Email == reference).Where(o => o.CustomerId == customer).Any();
                        var e = db.Orders.Where(o => o.Email == reference).FirstOrDefault(o => o.Id > customer);
                        var f = db.Orders.FirstOrDefault(o => o.Customer!.Name == name && o.Reference == reference);
                        var q = db.Orders.Where(o => o.TrackingCode == reference);
                        var g = q.Where(o => o.Email == name).FirstOrDefault();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_or_not_equal_null_and_low_selectivity_columns()
        {
            var source = Shop + """

                class Orders
                {
                    void Shapes(ShopContext db, string reference, OrderStatus status, List<string> references)
                    {
                        var a = db.Orders.FirstOrDefault(o => o.Reference == reference || o.Email == reference);
                        var b = db.Orders.FirstOrDefault(o => o.Reference != reference);
                        var c = db.Orders.FirstOrDefault(o => o.Reference == null);
                        var d = db.Orders.FirstOrDefault(o => o.IsGift == true);
                        var e = db.Orders.FirstOrDefault(o => o.Status == status);
                        var f = db.Orders.FirstOrDefault(o => o.Total == o.Paid);
                        var g = db.Orders.FirstOrDefault(o => o.Reference.Contains(reference));
                        var h = db.Orders.Any(o => o.IsGift);
                        var i = db.Orders.Any(o => references.Contains(o.Reference));
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_tables_that_do_not_grow_projections_and_subqueries()
        {
            var source = Shop + """

                class Orders
                {
                    void Other(ShopContext db, string email, string code, string sku)
                    {
                        var a = db.Customers.FirstOrDefault(c => c.Email == email);   // no owner: a table that does not grow
                        var b = db.Countries.FirstOrDefault(c => c.Code == code);     // seeded with HasData
                        var c = db.Orders.Select(o => new { o.Reference, o.Email }).FirstOrDefault(x => x.Email == email);
                        var d = db.Orders.Where(o => o.Lines.Any(l => l.Sku == sku)).FirstOrDefault();
                        var e = db.Orders.ToList().FirstOrDefault(o => o.Email == email);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_tables_that_grow_without_a_creation_timestamp()
        {
            // ErsatzTV's Playlist (by Name) and PlexShow (by Key): rows added by the app and a parent, but no creation
            // timestamp: a catalog bounded by what the user configures or a media server holds, small enough to scan.
            var source = Shop + """

                public class Playlist
                {
                    public int Id { get; set; }
                    public int OrderId { get; set; }
                    public Order? Order { get; set; }
                    public string Name { get; set; } = "";
                }

                public class PlaylistContext : DbContext
                {
                    public DbSet<Playlist> Playlists { get; set; }
                    protected override void OnModelCreating(ModelBuilder b) { }
                }

                class Playlists
                {
                    void Add(PlaylistContext db, Playlist p) { db.Playlists.Add(p); db.SaveChanges(); }

                    Playlist? ByName(PlaylistContext db, string name) => db.Playlists.SingleOrDefault(p => p.Name == name);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_without_a_visible_model_configuration()
        {
            // The shared prelude's BlogContext has no OnModelCreating and no snapshot: its indexes are unknown.
            var source = """
                class Posts
                {
                    Post? ByTitle(BlogContext db, string title) => db.Posts.FirstOrDefault(p => p.Title == title);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reads_the_snapshot_and_is_silent_with_migrations_but_no_snapshot()
        {
            var snapshot = """

                namespace Shop.Migrations
                {
                    using Microsoft.EntityFrameworkCore.Infrastructure;

                    [DbContext(typeof(PlainContext))]
                    partial class PlainContextModelSnapshot : ModelSnapshot
                    {
                        protected override void BuildModel(ModelBuilder modelBuilder)
                        {
                            modelBuilder.Entity("Invoice", b =>
                            {
                                b.Property<int>("Id");
                                b.HasKey("Id");
                                b.HasIndex("Number");
                                b.HasIndex("OwnerId");
                                b.ToTable("Invoices");
                            });
                        }
                    }
                }

                public class Invoice
                {
                    public int Id { get; set; }
                    public int OwnerId { get; set; }
                    public DateTime CreatedAt { get; set; }
                    public string Number { get; set; } = "";
                    public string Memo { get; set; } = "";
                }

                public class PlainContext : DbContext
                {
                    public DbSet<Invoice> Invoices { get; set; }
                }

                class Invoices
                {
                    void Find(PlainContext db, string number, string memo)
                    {
                        var a = db.Invoices.FirstOrDefault(i => i.Number == number);
                        var b = db.Invoices.FirstOrDefault(i => {|#0:i.Memo|} == memo);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(snapshot, Finding(0, "FirstOrDefault", "Invoice", "Memo", "belongs to an owner ('OwnerId'), has 'CreatedAt'"));

            var migrationsOnly = """

                namespace Shop.Migrations
                {
                    using Microsoft.EntityFrameworkCore.Migrations;

                    [Migration("20240101000000_Init")]
                    public partial class Init : Migration
                    {
                        protected override void Up(MigrationBuilder migrationBuilder) { }
                    }
                }

                public class Invoice
                {
                    public int Id { get; set; }
                    public int OwnerId { get; set; }
                    public DateTime CreatedAt { get; set; }
                    public string Memo { get; set; } = "";
                }

                public class PlainContext : DbContext
                {
                    public DbSet<Invoice> Invoices { get; set; }
                    protected override void OnModelCreating(ModelBuilder b) { }
                }

                class Invoices
                {
                    Invoice? Find(PlainContext db, string memo) => db.Invoices.FirstOrDefault(i => i.Memo == memo);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(migrationsOnly);
        }

        [Fact]
        public async Task Does_not_report_indexes_the_scan_cannot_read()
        {
            var source = """

                public class Invoice
                {
                    public int Id { get; set; }
                    public int OwnerId { get; set; }
                    public DateTime CreatedAt { get; set; }
                    public string Memo { get; set; } = "";
                }

                public class PlainContext : DbContext
                {
                    public DbSet<Invoice> Invoices { get; set; }

                    protected override void OnModelCreating(ModelBuilder b)
                    {
                        foreach (var type in b.Model.GetEntityTypes())
                        {
                            b.Entity(type.ClrType).HasIndex("Memo");
                        }
                    }
                }

                class Invoices
                {
                    Invoice? Find(PlainContext db, string memo) => db.Invoices.FirstOrDefault(i => i.Memo == memo);
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_in_test_and_setup_code()
        {
            var source = Shop + """

                public sealed class FactAttribute : System.Attribute { }

                class OrderTests
                {
                    [Fact]
                    public void Finds(ShopContext db) => db.Orders.FirstOrDefault(o => o.Reference == "x");
                }

                class Seeder
                {
                    public void SeedOrders(ShopContext db, string reference)
                    {
                        if (!db.Orders.Any(o => o.Reference == reference)) { db.Orders.Add(new Order { Reference = reference }); }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_or_throw_on_half_typed_code()
        {
            var source = Shop + """

                class Orders
                {
                    void Broken(ShopContext db, string reference)
                    {
                        var a = db.Orders.FirstOrDefault(o => o.{|CS1061:Nope|} == reference);
                        var b = db.Orders.FirstOrDefault(o => o.Reference == {|CS0103:missing|});
                        var c = db.{|CS1061:Nowhere|}.FirstOrDefault(o => o.Reference == reference);
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
