using System.Linq;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.EfCore;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The one EF model (EfCore/Model/): each question answered the same way whatever the configuration style — inline
    /// OnModelCreating, IEntityTypeConfiguration&lt;T&gt;, a helper method, attributes, the migrations' snapshot.
    /// </summary>
    public class EfModelTests
    {
        private const string Entities = """
            using System.ComponentModel.DataAnnotations;
            using System.ComponentModel.DataAnnotations.Schema;
            using Microsoft.EntityFrameworkCore.Infrastructure;
            using Microsoft.EntityFrameworkCore.Metadata.Builders;
            using Microsoft.EntityFrameworkCore.Migrations;
            using Microsoft.Extensions.DependencyInjection;

            public class Product
            {
                public int Id { get; set; }
                public int Code { get; set; }
                public string Sku { get; set; } = "";
                public string Region { get; set; } = "";
                public string Data { get; set; } = "";
                public byte[] Version { get; set; }
                public string Computed { get; set; } = "";
                public Address Address { get; set; }
            }

            public class Address
            {
                public string Street { get; set; } = "";
            }

            """;

        private static EfModel ModelOf(string source, bool allowErrors = false)
        {
            var host = EfCoreTestHost.Create(Entities + source, allowErrors: allowErrors);
            return host.Ef!.Model;
        }

        private static INamedTypeSymbol Type(EfModel model, string name) => model.Compilation.GetTypeByMetadataName(name)!;

        private static IPropertySymbol Property(EfModel model, string type, string name) => Type(model, type).GetMembers(name).OfType<IPropertySymbol>().Single();

        // ---- one configuration, every style ----

        private const string Inline = """
            public class ShopContext : DbContext
            {
                public DbSet<Product> Products { get; set; }
                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    modelBuilder.Entity<Product>(b =>
                    {
                        b.HasKey(x => x.Code);
                        b.HasIndex(x => x.Sku).IsUnique();
                        b.Property(x => x.Version).IsConcurrencyToken();
                        b.HasQueryFilter(x => x.Region != "");
                        b.OwnsOne(x => x.Address);
                        b.HasData(new Product { Code = 1 });
                        b.Property(x => x.Sku).HasMaxLength(32);
                        b.Ignore(x => x.Computed);
                    });
                }
            }
            """;

        private const string EntityTypeConfiguration = """
            public class ShopContext : DbContext
            {
                public DbSet<Product> Products { get; set; }
                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfiguration(new ProductConfiguration());
            }
            public class ProductConfiguration : IEntityTypeConfiguration<Product>
            {
                public void Configure(EntityTypeBuilder<Product> b)
                {
                    b.HasKey(x => x.Code);
                    b.HasIndex(x => x.Sku).IsUnique();
                    b.Property(x => x.Version).IsConcurrencyToken();
                    b.HasQueryFilter(x => x.Region != "");
                    b.OwnsOne(x => x.Address);
                    b.HasData(new Product { Code = 1 });
                    b.Property(x => x.Sku).HasMaxLength(32);
                    b.Ignore(x => x.Computed);
                }
            }
            """;

        // The example: a helper taking an EntityTypeBuilder<T>; the keys used to be invisible there while the
        // concurrency token in the same helper was seen.
        private const string Helper = """
            public class ShopContext : DbContext
            {
                public DbSet<Product> Products { get; set; }
                protected override void OnModelCreating(ModelBuilder modelBuilder) => ConfigureProduct(modelBuilder.Entity<Product>());
                private static void ConfigureProduct(EntityTypeBuilder<Product> b)
                {
                    b.HasKey(x => x.Code);
                    b.HasIndex(x => x.Sku).IsUnique();
                    b.Property(x => x.Version).IsConcurrencyToken();
                    b.HasQueryFilter(x => x.Region != "");
                    ConfigureAddress(b.OwnsOne(x => x.Address));
                    b.HasData(new Product { Code = 1 });
                    b.Property(x => x.Sku).HasMaxLength(32);
                    b.Ignore(x => x.Computed);
                }
                private static void ConfigureAddress(OwnedNavigationBuilder<Product, Address> a) => a.Property(x => x.Street).HasMaxLength(100);
            }
            """;

        private const string ModelBuilderExtension = """
            public class ShopContext : DbContext
            {
                public DbSet<Product> Products { get; set; }
                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ConfigureShop();
            }
            public static class ShopModel
            {
                public static void ConfigureShop(this ModelBuilder modelBuilder)
                {
                    var b = modelBuilder.Entity<Product>();
                    b.HasKey(x => x.Code);
                    b.HasIndex(x => x.Sku).IsUnique();
                    b.Property(x => x.Version).IsConcurrencyToken();
                    b.HasQueryFilter(x => x.Region != "");
                    b.OwnsOne(x => x.Address);
                    b.HasData(new Product { Code = 1 });
                    b.Property(x => x.Sku).HasMaxLength(32);
                    b.Ignore(x => x.Computed);
                }
            }
            """;

        [Theory]
        [InlineData("inline")]
        [InlineData("IEntityTypeConfiguration")]
        [InlineData("helper")]
        [InlineData("ModelBuilder extension")]
        public void Every_fluent_style_gives_the_same_answers(string style)
        {
            var source = style switch
            {
                "inline" => Inline,
                "IEntityTypeConfiguration" => EntityTypeConfiguration,
                "helper" => Helper,
                _ => ModelBuilderExtension,
            };
            var model = ModelOf(source);
            var product = Type(model, "Product");

            Assert.Equal("Code", model.FindSingleKey(product)?.Name);
            Assert.True(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Sku") }));
            Assert.True(model.HasIndexLeadingWith(product, Property(model, "Product", "Sku")));
            Assert.False(model.HasIndexLeadingWith(product, Property(model, "Product", "Region")));
            Assert.NotNull(model.FindConcurrencyToken(product));
            Assert.True(model.HasQueryFilter(product));
            Assert.True(model.IsOwned(Property(model, "Product", "Address"), Type(model, "Address")));
            Assert.True(model.OwnsOwnedOrComplexTypes(product));
            Assert.True(model.IsSeeded(product));
            Assert.Equal(32, model.FindMaxLength(Property(model, "Product", "Sku")));
            Assert.True(model.IsIgnored(Property(model, "Product", "Computed")));
            Assert.False(model.IsMappedProperty(Property(model, "Product", "Computed")));
            Assert.True(model.IsMappedProperty(Property(model, "Product", "Sku")));
            Assert.True(model.IsDeclaredEntityType(product));

            // Nothing leaks to an entity the configuration does not name.
            var blog = Type(model, "Blog");
            Assert.Equal("Id", model.FindSingleKey(blog)?.Name);
            Assert.False(model.HasQueryFilter(blog));
            Assert.Null(model.FindConcurrencyToken(blog));
            Assert.False(model.IsSeeded(blog));
        }

        [Fact]
        public void Helper_key_and_concurrency_token_are_seen_by_the_rules_that_ask()
        {
            // Before the one model, ModelFacts (keys for EFP101/EFP301/EFP306) read only OnModelCreating/Configure bodies,
            // while WriteSafety (EFP203/EFP204) followed helpers: the two answers came from the same helper.
            var host = EfCoreTestHost.Create(Entities + Helper);
            var product = host.Compilation.GetTypeByMetadataName("Product")!;
            Assert.Equal("Code", host.Ef!.Model.FindSingleKey(product)?.Name);
            Assert.Contains("concurrency token", host.Ef.Writes.GetUpdateBlocker(null, product));
        }

        [Fact]
        public void Helper_passed_as_a_method_group_is_read()
        {
            // WriteSafety followed only helpers it saw called with a builder argument; a method group was invisible.
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Product>(ProductModel.Configure);
                }
                public static class ProductModel
                {
                    public static void Configure(EntityTypeBuilder<Product> b)
                    {
                        b.Property(x => x.Version).IsRowVersion();
                        b.HasQueryFilter(x => x.Region != "");
                        b.HasKey(x => x.Code);
                    }
                }
                """);
            var product = Type(model, "Product");
            Assert.NotNull(model.FindConcurrencyToken(product));
            Assert.True(model.HasQueryFilter(product));
            Assert.Equal("Code", model.FindSingleKey(product)?.Name);
        }

        [Fact]
        public void Attributes()
        {
            var model = ModelOf("""
                [PrimaryKey(nameof(Code))]
                [Index(nameof(Region), nameof(Sku), IsUnique = true)]
                [Index(nameof(Data))]
                public class Item
                {
                    public int Id { get; set; }
                    public int Code { get; set; }
                    public string Sku { get; set; } = "";
                    public string Region { get; set; } = "";
                    public string Data { get; set; } = "";
                    [Timestamp] public byte[] Version { get; set; }
                    [NotMapped] public string Computed { get; set; } = "";
                    [MaxLength(20)] public string Short { get; set; } = "";
                    [Column(TypeName = "jsonb")] public string Json { get; set; } = "";
                    public Street Street { get; set; }
                }
                [Owned] public class Street { public string Name { get; set; } = ""; }
                [Keyless] public class Report { public int Id { get; set; } }
                """);
            var item = Type(model, "Item");
            Assert.Equal("Code", model.FindSingleKey(item)?.Name);
            Assert.True(model.IsUniqueColumnSet(item, new[] { Property(model, "Item", "Region"), Property(model, "Item", "Sku") }));
            Assert.False(model.IsUniqueColumnSet(item, new[] { Property(model, "Item", "Region") }));
            Assert.True(model.HasIndexLeadingWith(item, Property(model, "Item", "Data")));
            Assert.False(model.HasIndexLeadingWith(item, Property(model, "Item", "Sku")));
            Assert.NotNull(model.FindConcurrencyToken(item));
            Assert.True(model.IsIgnored(Property(model, "Item", "Computed")));
            Assert.Equal(20, model.FindMaxLength(Property(model, "Item", "Short")));
            Assert.Equal("jsonb", model.FindColumnType(Property(model, "Item", "Json")));
            Assert.True(model.IsOwned(Property(model, "Item", "Street"), Type(model, "Street")));
            Assert.True(model.IsKeyless(Type(model, "Report")));
            Assert.Null(model.FindSingleKey(Type(model, "Report")));
        }

        private const string Snapshot = """
            public class ShopContext : DbContext
            {
                public DbSet<Product> Products { get; set; }
            }

            [DbContext(typeof(ShopContext))]
            partial class ShopContextModelSnapshot : ModelSnapshot
            {
                protected override void BuildModel(ModelBuilder modelBuilder)
                {
                    modelBuilder.Entity("Product", b =>
                        {
                            b.Property<int>("Code").ValueGeneratedOnAdd();
                            b.Property<byte[]>("Version").IsConcurrencyToken().ValueGeneratedOnAddOrUpdate();
                            b.HasKey("Code");
                            b.HasIndex("Region", "Sku").IsUnique();
                            b.HasIndex("Data");
                            b.HasDiscriminator<string>("Kind").HasValue("Product");
                            b.OwnsOne("Address", "Address", b1 =>
                                {
                                    b1.Property<int>("ProductCode");
                                    b1.HasKey("ProductCode");
                                });
                        });
                    modelBuilder.Entity("Missing.Type", b => { b.HasKey("Id"); });
                }
            }

            // A migration's designer holds the model as of that migration: it is not read (a key that was changed later).
            [DbContext(typeof(ShopContext))]
            [Migration("20240101000000_Initial")]
            partial class Initial
            {
                protected void BuildTargetModel(ModelBuilder modelBuilder)
                {
                    modelBuilder.Entity("Blog", b =>
                        {
                            b.Property<int>("Rating");
                            b.HasKey("Rating");
                            b.Property<byte[]>("Version").IsRowVersion();
                        });
                }
            }
            """;

        [Fact]
        public void Snapshot_is_read_from_syntax_and_designer_files_are_not()
        {
            var model = ModelOf(Snapshot);
            var product = Type(model, "Product");
            Assert.Equal("Code", model.FindSingleKey(product)?.Name);
            Assert.True(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Region"), Property(model, "Product", "Sku") }));
            Assert.True(model.HasIndexLeadingWith(product, Property(model, "Product", "Data")));
            Assert.NotNull(model.FindConcurrencyToken(product));
            Assert.True(model.IsMappedWithInheritance(product));
            Assert.True(model.IsOwned(Property(model, "Product", "Address"), Type(model, "Address")));

            // The designer's key and row version are not the model; the snapshot's non-generic builders do not make every
            // entity look configured.
            var blog = Type(model, "Blog");
            Assert.Equal("Id", model.FindSingleKey(blog)?.Name);
            Assert.Null(model.FindConcurrencyToken(blog));
            Assert.False(model.ConcurrencyTokenOnAll);
        }

        [Fact]
        public void Code_configuration_wins_over_the_snapshot()
        {
            var model = ModelOf(Snapshot.Replace(
                "public DbSet<Product> Products { get; set; }",
                "public DbSet<Product> Products { get; set; }\n    protected override void OnModelCreating(ModelBuilder m) => m.Entity<Product>().HasKey(x => x.Sku);"));
            Assert.Equal("Sku", model.FindSingleKey(Type(model, "Product"))?.Name);
        }

        [Fact]
        public void Index_shapes_and_alternate_keys()
        {
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        modelBuilder.Entity<Product>().HasIndex(x => new { x.Region, x.Data }).IsUnique();
                        modelBuilder.Entity<Product>().HasIndex(x => x.Sku, "IX_Sku");
                        modelBuilder.Entity<Product>().HasIndex(nameof(Product.Code)).IsUnique(false);
                        modelBuilder.Entity<Product>().HasAlternateKey(x => x.Computed);
                        modelBuilder.Entity<Product>().Property(x => x.Data).HasColumnType("jsonb");
                    }
                }
                """);
            var product = Type(model, "Product");
            Assert.True(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Data"), Property(model, "Product", "Region") }));
            Assert.False(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Data") }));
            Assert.True(model.HasIndexLeadingWith(product, Property(model, "Product", "Region")));
            Assert.False(model.HasIndexLeadingWith(product, Property(model, "Product", "Data")));
            Assert.True(model.HasIndexLeadingWith(product, Property(model, "Product", "Sku")));
            Assert.False(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Code") }));
            Assert.True(model.IsUniqueColumnSet(product, new[] { Property(model, "Product", "Computed") }));
            Assert.Contains(model.GetIndexes(product), i => i.IsAlternateKey);

            // HasColumnType is a relational extension method: its builder is the `this` argument (it was never read before).
            Assert.Equal("jsonb", model.FindColumnType(Property(model, "Product", "Data")));
        }

        [Fact]
        public void Registrations_and_context_options()
        {
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
                    public DbSet<Product> Products { get; set; }
                }
                public static class Startup
                {
                    public static void Register(IServiceCollection services)
                    {
                        services.AddDbContextPool<ShopContext>(o => o.UseSqlite("Data Source=shop.db", s => s.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)).UseLazyLoadingProxies());
                        services.AddDbContext<BlogContext>(o => o.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                    }
                }
                """);
            var shop = Type(model, "ShopContext");
            var blogs = Type(model, "BlogContext");
            Assert.Equal(new[] { "AddDbContextPool" }, model.GetRegistrations(shop));
            Assert.True(model.IsConfigured(shop));
            Assert.True(model.UsesSplitQueries(shop));
            Assert.False(model.UsesSplitQueries(blogs));
            Assert.True(model.UsesNoTrackingByDefault(blogs));
            Assert.False(model.UsesNoTrackingByDefault(shop));
            var address = Property(model, "Product", "Address");
            Assert.Equal(LazyLoadingState.Unknown, model.GetLazyLoading(shop, Type(model, "Product"), address)); // not virtual
            Assert.Equal(LazyLoadingState.Off, model.GetLazyLoading(blogs, Type(model, "Blog"), Property(model, "Blog", "Author")));
            Assert.Contains(shop, model.SourceContexts, SymbolEqualityComparer.Default);
        }

        [Fact]
        public void AutoInclude_and_complex_types()
        {
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        modelBuilder.Entity<Blog>().Navigation(b => b.Author).AutoInclude();
                        modelBuilder.Entity<Blog>().Navigation(b => b.Tags).AutoInclude(false);
                        modelBuilder.Entity<Product>().ComplexProperty(p => p.Address);
                    }
                }
                """);
            Assert.True(model.IsAutoIncluded(Property(model, "Blog", "Author")));
            Assert.False(model.IsAutoIncluded(Property(model, "Blog", "Tags")));
            Assert.True(model.IsComplexType(Type(model, "Address")));
            Assert.True(model.IsOwned(Property(model, "Product", "Address"), Type(model, "Address")));
            Assert.Equal("Product", model.FindComplexOwner(Type(model, "Product"))?.Name);
        }

        [Fact]
        public void Model_wide_loops_apply_to_every_entity()
        {
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        foreach (var entity in modelBuilder.Model.GetEntityTypes())
                        {
                            modelBuilder.Entity(entity.ClrType).Property<byte[]>("Version").IsRowVersion();
                        }
                    }
                }
                """);
            Assert.True(model.ConcurrencyTokenOnAll);
            Assert.NotNull(model.FindConcurrencyToken(Type(model, "Blog")));
        }

        [Fact]
        public void Code_that_does_not_bind_configures_nothing_and_does_not_throw()
        {
            var model = ModelOf("""
                public class ShopContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                    {
                        modelBuilder.Entity<Product>().HasKey(x => x.);
                        modelBuilder.Entity<Nope>().HasKey(x => x.Code);
                        modelBuilder.Entity<Product>().HasQueryFilter(
                    }
                }
                """, allowErrors: true);
            Assert.Equal("Id", model.FindSingleKey(Type(model, "Product"))?.Name);
            Assert.False(model.HasQueryFilter(Type(model, "Blog")));
        }

        [Theory]
        [InlineData("class A { void M(ModelBuilder modelBuilder) { } }", true)]
        [InlineData("class A : DbContext { }", true)]
        [InlineData("var q = db.Set<Blog>();", true)]
        [InlineData("ChangeTracker.QueryTrackingBehavior = x;", true)]
        [InlineData("class A { int M() => 1; }", false)]
        public void Only_trees_that_can_hold_configuration_are_walked(string text, bool walked)
            => Assert.Equal(walked, ModelScan.MayHoldConfiguration(text));
    }
}
