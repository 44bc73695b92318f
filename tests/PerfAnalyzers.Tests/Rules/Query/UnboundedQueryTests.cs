using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Query.UnboundedQueryAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class UnboundedQueryTests
    {
        [Fact]
        public async Task Reports_whole_table_materializations()
        {
            var source = """
                class C
                {
                    IQueryable<Blog> Active(BlogContext db) => db.Blogs.Include(b => b.Posts);

                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        var a = db.Posts.{|#0:ToList|}();
                        var b = await db.Blogs.AsNoTracking().Include(x => x.Posts).{|#1:ToListAsync|}(ct);
                        var c = db.Set<Author>().Select(x => new { x.Id, x.Name }).{|#2:ToArray|}();
                        foreach (var post in {|#3:db.Posts.Include(p => p.Comments)|}) { }
                        await foreach (var comment in {|#4:db.Comments.AsAsyncEnumerable()|}) { }
                        var d = Active(db).OrderBy(x => x.Name).{|#5:ToList|}();
                        await db.Posts.{|#6:LoadAsync|}(ct);
                        var q = db.Posts.AsQueryable();
                        var e = q.{|#7:ToHashSet|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post"),
                VerifyCS.Diagnostic("EFP301").WithLocation(1).WithArguments("ToListAsync", "", "Blog"),
                VerifyCS.Diagnostic("EFP301").WithLocation(2).WithArguments("ToArray", "", "Author"),
                VerifyCS.Diagnostic("EFP301").WithLocation(3).WithArguments("foreach", "", "Post"),
                VerifyCS.Diagnostic("EFP301").WithLocation(4).WithArguments("await foreach", "", "Comment"),
                VerifyCS.Diagnostic("EFP301").WithLocation(5).WithArguments("ToList", "", "Blog"),
                VerifyCS.Diagnostic("EFP301").WithLocation(6).WithArguments("LoadAsync", "", "Post"),
                VerifyCS.Diagnostic("EFP301").WithLocation(7).WithArguments("ToHashSet", "", "Post"));
        }

        [Fact]
        public async Task Does_not_report_bounded_filtered_or_lookup_queries()
        {
            var source = """
                public class Country { public int Id { get; set; } public string Name { get; set; } = ""; public string Iso { get; set; } = ""; }
                public class ShopContext : DbContext
                {
                    public DbSet<Country> Countries { get; set; }
                    protected override void OnModelCreating(ModelBuilder modelBuilder)
                        => modelBuilder.Entity<Country>().HasData(new Country { Id = 1, Name = "France" });
                }

                class C
                {
                    async Task M(BlogContext db, ShopContext shop, int blogId, IQueryable<Post> fromCaller, Blog blog, CancellationToken ct)
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
                        var s = db.Tags.ToList();                                         // lookup-shaped: Id + Label
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
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task HasData_in_an_entity_type_configuration_makes_a_lookup_table()
        {
            var source = """
                using Microsoft.EntityFrameworkCore.Metadata.Builders;

                public class Currency { public int Id { get; set; } public string Code { get; set; } = ""; public string Name { get; set; } = ""; }
                public class Region { public int Id { get; set; } public string Code { get; set; } = ""; public string Name { get; set; } = ""; }
                class CurrencyConfiguration : IEntityTypeConfiguration<Currency>
                {
                    public void Configure(EntityTypeBuilder<Currency> builder) => builder.HasData(new Currency { Id = 1, Code = "EUR", Name = "Euro" });
                }
                public class ShopContext : DbContext
                {
                    public DbSet<Currency> Currencies { get; set; }
                    public DbSet<Region> Regions { get; set; }
                }

                class C
                {
                    void M(ShopContext db)
                    {
                        var currencies = db.Currencies.ToList();
                        var regions = db.Regions.{|#0:ToList|}();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Region"));
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
                }
                public class Rating { public int Id { get; set; } public Level Level { get; set; } public string Note { get; set; } = ""; }
                public class SettingsContext : DbContext
                {
                    public DbSet<Setting> Settings { get; set; }
                    public DbSet<Rating> Ratings { get; set; }
                }

                class C
                {
                    async Task M(SettingsContext db, CancellationToken ct)
                    {
                        var settings = await db.Settings.AsNoTracking().ToListAsync(ct);
                        var ratings = db.Ratings.{|#0:ToList|}();                  // an enum column, but an int key
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Rating"));
        }

        [Fact]
        public async Task Distinct_values_of_one_member_are_one_row_per_value_like_GroupBy()
        {
            // Kavita's statistics (AppUserPreferences.Select(p => p.LayoutMode).Distinct()) and jellyfin's migration
            // (LinkedChildren.Select(lc => lc.ParentId).Distinct()): SELECT DISTINCT col is GROUP BY col.
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        var blogIds = await db.Posts.Select(p => p.BlogId).Distinct().ToListAsync(ct);
                        var states = db.Posts.AsNoTracking().Select(p => p.IsPublished).Distinct().ToHashSet();

                        var ids = db.Posts.Select(p => p.Id).Distinct().{|#0:ToList|}();                  // the key: one row per post
                        var pairs = db.Posts.Select(p => new { p.Id, p.Title }).Distinct().{|#1:ToList|}(); // several members
                        var posts = db.Posts.Distinct().{|#2:ToList|}();                                  // whole entities
                        var postIds = db.Blogs.SelectMany(b => b.Posts).Select(p => p.Id).Distinct().{|#3:ToList|}();
                    }
                }
                """;
            var roots = new[] { "Post", "Post", "Post", "Blog" };
            await VerifyCS.VerifyAnalyzerAsync(source,
                roots.Select((root, i) => VerifyCS.Diagnostic("EFP301").WithLocation(i).WithArguments("ToList", "", root)).ToArray());
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
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post"));
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
            var source = """
                class C
                {
                    void M(BlogContext db, int blogId)
                    {
                        var comments = db.Comments.ToList();
                        var authors = db.Authors.ToList();
                        var posts = db.Posts.Where(p => p.BlogId == blogId).{|#0:ToList|}();
                        var limited = db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Id).Take(5).ToList();
                        var blogs = db.Blogs.{|#1:ToList|}();
                    }
                }
                """;
            var test = VerifyCS.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.EFP301.excluded_entities = Comment, Author
                dotnet_code_quality.EFP301.report_filtered = true
                """));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "matching ", "Post"));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(1).WithArguments("ToList", "", "Blog"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Global_option_form_is_accepted_and_rule_specific_form_wins()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        var comments = db.Comments.ToList();
                        var posts = db.Posts.{|#0:ToList|}();
                    }
                }
                """;
            var test = VerifyCS.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true
                [*.cs]
                dotnet_code_quality.excluded_entities = Post
                dotnet_code_quality.EFP301.excluded_entities = Comment
                """));
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToList", "", "Post"));
            await test.RunAsync();

            var globalOnly = VerifyCS.Create("""
                class C { void M(BlogContext db) { var t = db.Comments.ToList(); } }
                """);
            globalOnly.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.excluded_entities = Comment\n"));
            await globalOnly.RunAsync();
        }

        [Fact]
        public async Task Works_on_EF_Core_8_and_silent_on_broken_code()
        {
            await VerifyCS.VerifyAnalyzerAsync("""
                class C { async Task M(BlogContext db) { var t = await db.Comments.{|#0:ToListAsync|}(); } }
                """, EfVersion.Ef8, VerifyCS.Diagnostic("EFP301").WithLocation(0).WithArguments("ToListAsync", "", "Comment"));

            var test = VerifyCS.Create("""
                class C { void M(BlogContext db) { var t = db.Missing.ToList(); foreach (var x in db.) { } var y = db.Posts.ToList(
                """);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None;
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("EFP301").WithSpan("/0/Test1.cs", 1, 109, 1, 115).WithArguments("ToList", "", "Post"));
            await test.RunAsync();
        }
    }
}
