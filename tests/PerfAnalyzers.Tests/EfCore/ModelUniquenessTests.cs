using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>The layer's answer to "which columns are unique per row?" (<c>ModelUniqueness</c>): keys, alternate keys, unique indexes.</summary>
    public class ModelUniquenessTests
    {
        private const string Source = """
            public class PostTag { public int PostId { get; set; } public int TagId { get; set; } public int Score { get; set; } }

            [PrimaryKey(nameof(Region), nameof(Number))]
            public class Invoice { public string Region { get; set; } = ""; public int Number { get; set; } public string Ref { get; set; } = ""; }

            [Index(nameof(Slug), IsUnique = true)]
            [Index(nameof(Country))]
            public class Account
            {
                public int Id { get; set; }
                public string Email { get; set; } = "";
                public string Login { get; set; } = "";
                public string Slug { get; set; } = "";
                public string Country { get; set; } = "";
                public string City { get; set; } = "";
                public string Phone { get; set; } = "";
            }

            public class Code { public string Value { get; set; } = ""; public string Name { get; set; } = ""; }
            public class Row { public int Id { get; set; } }
            public class Legacy { public int Number { get; set; } }
            public class Keyed { public int Key { get; set; } public string Id { get; set; } = ""; }
            public class Grouped { public int Key { get; set; } public string Id { get; set; } = ""; }

            public class ShopContext : DbContext
            {
                public DbSet<PostTag> PostTags { get; set; }
                public DbSet<Invoice> Invoices { get; set; }
                public DbSet<Account> Accounts { get; set; }
                public DbSet<Code> Codes { get; set; }
                public DbSet<Row> Rows { get; set; }
                public DbSet<Legacy> Legacies { get; set; }

                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<PostTag>().HasKey(x => new { x.PostId, x.TagId });
                    b.Entity<Account>(a =>
                    {
                        a.HasIndex(x => x.Email, "IX_Email").IsUnique();
                        a.HasIndex(x => new { x.Country, x.City }).HasDatabaseName("IX_Place").IsUnique();
                        a.HasIndex(x => x.Phone).IsUnique(false);
                        a.HasAlternateKey(x => x.Login);
                    });
                    b.Entity<Code>().HasKey("Value");
                    b.Entity<Row>().HasNoKey();
                    BuildKeyed(b.Entity<Keyed>());
                    b.Entity<Grouped>(BuildGrouped);
                }

                private static void BuildKeyed(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Keyed> keyed)
                {
                    keyed.HasKey(k => k.Key);
                }

                private void BuildGrouped(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Grouped> grouped)
                {
                    grouped.HasKey(g => g.Key);
                }
            }

            class C { }
            """;

        private static (EfCoreTestHost Host, INamedTypeSymbol Type) Entity(EfCoreTestHost host, string name)
            => (host, host.Compilation.GetTypeByMetadataName(name)!);

        private static string[] Names(System.Collections.Immutable.ImmutableArray<IPropertySymbol> columns) => columns.Select(c => c.Name).ToArray();

        [Fact]
        public void Primary_keys_single_composite_by_attribute_by_name_and_none()
        {
            var host = EfCoreTestHost.Create(Source);
            var unique = host.Ef!.Uniqueness;
            Assert.Equal(new[] { "PostId", "TagId" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("PostTag"))));
            Assert.Equal(new[] { "Region", "Number" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Invoice"))));
            Assert.Equal(new[] { "Id" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Account"))));
            Assert.Equal(new[] { "Value" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Code"))));
            Assert.Empty(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Row")));
            Assert.Empty(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Legacy")));
            Assert.Empty(unique.UniqueColumnSets(host.Compilation.GetTypeByMetadataName("Legacy")));

            // HasKey in a helper that OnModelCreating hands the entity's builder to (BaGet's BuildPackageEntity): not the Id convention.
            Assert.Equal(new[] { "Key" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Keyed"))));
            Assert.Equal(new[] { "Key" }, Names(unique.PrimaryKey(host.Compilation.GetTypeByMetadataName("Grouped")))); // builder.Entity<T>(Helper)
        }

        [Fact]
        public void Unique_sets_include_alternate_keys_and_unique_indexes_only()
        {
            var host = EfCoreTestHost.Create(Source);
            var unique = host.Ef!.Uniqueness;
            var account = host.Compilation.GetTypeByMetadataName("Account")!;
            var sets = unique.UniqueColumnSets(account).Select(s => string.Join("+", Names(s))).OrderBy(s => s).ToArray();
            Assert.Equal(new[] { "Country+City", "Email", "Id", "Login", "Slug" }, sets);

            IPropertySymbol P(string name) => account.GetMembers(name).OfType<IPropertySymbol>().Single();
            Assert.True(unique.IsUnique(account, new[] { P("Country"), P("City") }));
            Assert.False(unique.IsUnique(account, new[] { P("Country") }));
            Assert.False(unique.IsUnique(account, new[] { P("Phone") }));
            Assert.True(unique.IsUnique(account, new[] { P("Phone"), P("Email") }));
        }
    }
}
