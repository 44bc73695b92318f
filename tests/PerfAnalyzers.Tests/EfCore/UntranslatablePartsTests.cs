using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.EfCore;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The layer's answer to "what in this query lambda can EF Core not translate?" (EfCore/UntranslatableParts.cs) and
    /// the facts under it: the referenced providers, the provider table, and what the model maps (EfModel.Mapping).
    /// </summary>
    public class UntranslatablePartsTests
    {
        private const string Source = """
            public class Person
            {
                private string _code = "";
                public int Id { get; set; }
                public string First { get; set; } = "";
                public string Last { get; set; } = "";
                public string FullName => First + " " + Last;
                public int GetOnly { get; } = 1;
                [System.ComponentModel.DataAnnotations.Schema.NotMapped] public string Nick { get; set; } = "";
                public string Scratch { get; set; } = "";
                public string Code => _code;
                [System.ComponentModel.DataAnnotations.Schema.Column("lvl")] public int Level => 1;
                public int Rank { get; private set; }
                public byte[] Digest => new byte[0];
                public string Alias => First;
                public bool IsAdult() => true;
            }

            public class PeopleContext : DbContext
            {
                public DbSet<Person> People => Set<Person>();
                protected override void OnModelCreating(ModelBuilder modelBuilder)
                    => modelBuilder.Entity<Person>(b => { b.Property(p => p.Code).HasField("_code"); b.Ignore(p => p.Scratch); b.Property<string>("Alias"); });
            }

            class C
            {
                void M(PeopleContext db, string term)
                {
                    db.People.Where/*1*/(p => p.IsAdult() && p.FullName == term && p.First.Split(new[] { ' ' }).Length > 1 && p.Last.Trim() == term.Normalize()).ToList();
                    db.People.Where/*2*/(p => Convert.ToInt32(p.First) > 1 && System.Text.RegularExpressions.Regex.IsMatch(p.Last, "^a")).ToList();
                }
            }
            """;

        [Fact]
        public void Providers_come_from_the_referenced_assemblies()
        {
            var ef10 = EfCoreTestHost.Create(Source).Ef!;
            Assert.Equal(EfProvider.Sqlite, ef10.Providers.Known);
            Assert.Equal(EfProvider.Sqlite, ef10.Providers.ForTranslationTables);

            var ef8 = EfCoreTestHost.Create(Source, EfVersion.Ef8).Ef!;
            Assert.Equal(EfProvider.None, ef8.Providers.Known);
            Assert.Equal(EfProvider.Known, ef8.Providers.ForTranslationTables); // a library: only what no provider translates
        }

        [Fact]
        public void Model_mapping_knows_computed_NotMapped_ignored_and_configured_properties()
        {
            var host = EfCoreTestHost.Create(Source);
            var person = host.Compilation.GetTypeByMetadataName("Person")!;
            string? Reason(string name) => host.Ef!.Model.UnmappedReason(person.GetMembers(name).OfType<IPropertySymbol>().Single());

            Assert.Equal("computed in C#", Reason("FullName"));
            Assert.Equal("computed in C#", Reason("GetOnly"));
            Assert.Equal("[NotMapped]", Reason("Nick"));
            Assert.Equal("ignored in the model", Reason("Scratch"));
            Assert.Null(Reason("Code"));  // Property(p => p.Code).HasField("_code")
            Assert.Null(Reason("Level")); // [Column]: meant to be a column
            Assert.Null(Reason("Rank"));  // private set
            Assert.Null(Reason("First"));
            Assert.Equal("computed in C#", Reason("Digest")); // byte[] is a column type, as everywhere else in the layer (EfModel.IsScalarColumnType)
            Assert.Null(Reason("Alias")); // configured by name: Property<string>("Alias")
        }

        [Fact]
        public void Finds_only_row_dependent_parts_and_the_outermost_one()
        {
            var host = EfCoreTestHost.Create(Source);
            var lambda = host.Invocation("1").Arguments[1].Value.AsLambda()!;
            var parts = UntranslatableParts.Find(host.Ef!, lambda).Select(p => (p.Name, p.Kind)).ToList();
            Assert.Equal(new[]
            {
                ("IsAdult", UntranslatableKind.ApplicationMethod),
                ("FullName", UntranslatableKind.UnmappedProperty),
                ("string.Split", UntranslatableKind.NotTranslatedByProvider),
            }, parts); // term.Normalize() does not touch the row: a parameter
        }

        [Fact]
        public void The_provider_table_decides_BCL_members()
        {
            var host = EfCoreTestHost.Create(Source);
            var lambda = host.Invocation("2").Arguments[1].Value.AsLambda()!;
            var parts = UntranslatableParts.Find(host.Ef!, lambda).Select(p => p.Name).ToList();
            Assert.Equal(new[] { "Convert.ToInt32" }, parts); // Regex.IsMatch is translated on SQLite (not on SQL Server)

            var regex = host.Compilation.GetTypeByMetadataName("System.Text.RegularExpressions.Regex")!
                .GetMembers("IsMatch").OfType<IMethodSymbol>().First(m => m.IsStatic && m.Parameters.Length == 2 && m.Parameters[0].Type.SpecialType == SpecialType.System_String);
            Assert.Equal(EfProvider.SqlServer, ProviderTranslations.UntranslatedOn(regex));
        }
    }
}
