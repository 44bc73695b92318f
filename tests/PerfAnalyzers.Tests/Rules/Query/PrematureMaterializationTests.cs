using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Rules.Query;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Query.PrematureMaterializationAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Query.PrematureMaterializationFixer>;

namespace PerfAnalyzers.Tests.Rules.Query
{
    public class PrematureMaterializationTests
    {
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Diagnostic(int location, string materializer, string step)
            => VerifyCS.Diagnostic("EFP303").WithLocation(location).WithArguments(materializer, step);

        private static string InClass(string members) => "class C\n{\n" + members + "\n}\n";

        [Fact]
        public async Task Where_then_Count_after_ToList_moves_into_the_query()
        {
            var source = InClass("""
                    int M(BlogContext db, int blogId)
                    {
                        return db.Posts.Where(p => p.BlogId == blogId).{|#0:ToList|}().Where(p => p.Views > 10).Count();
                    }
                """);
            var fixedSource = InClass("""
                    int M(BlogContext db, int blogId)
                    {
                        return db.Posts.Where(p => p.BlogId == blogId).Where(p => p.Views > 10).Count();
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Where"));
        }

        [Fact]
        public async Task A_second_ToList_takes_the_place_of_the_first()
        {
            var source = InClass("""
                    List<Post> M(BlogContext db)
                    {
                        var page = db.Posts.{|#0:ToList|}().Where(p => p.IsPublished).OrderByDescending(p => p.PublishedAt).Skip(20).Take(10).ToList();
                        return page;
                    }
                """);
            var fixedSource = InClass("""
                    List<Post> M(BlogContext db)
                    {
                        var page = db.Posts.Where(p => p.IsPublished).OrderByDescending(p => p.PublishedAt).Skip(20).Take(10).ToList();
                        return page;
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Where"));
        }

        [Fact]
        public async Task Awaited_ToListAsync_becomes_the_async_terminal_with_the_token()
        {
            var source = InClass("""
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var n = (await db.Posts.{|#0:ToListAsync|}(ct)).Count(p => p.IsPublished);
                        return n;
                    }
                """);
            var fixedSource = InClass("""
                    async Task<int> M(BlogContext db, CancellationToken ct)
                    {
                        var n = await db.Posts.CountAsync(p => p.IsPublished, ct);
                        return n;
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToListAsync", "Count"));
        }

        [Fact]
        public async Task ConfigureAwait_is_kept_and_the_later_ToList_becomes_ToListAsync()
        {
            var source = InClass("""
                    async Task<List<Post>> M(BlogContext db, CancellationToken ct)
                    {
                        return (await db.Posts.{|#0:ToListAsync|}(ct).ConfigureAwait(false)).Where(p => p.Views > 5).ToList();
                    }
                """);
            var fixedSource = InClass("""
                    async Task<List<Post>> M(BlogContext db, CancellationToken ct)
                    {
                        return await db.Posts.Where(p => p.Views > 5).ToListAsync(ct).ConfigureAwait(false);
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToListAsync", "Where"));
        }

        [Fact]
        public async Task Count_property_of_the_list_becomes_Count()
        {
            var source = InClass("""
                    int M(BlogContext db) => db.Blogs.Where(b => b.Rating > 3).{|#0:ToList|}().Count;
                    int N(BlogContext db) => db.Blogs.{|#1:ToArray|}().Length;
                """);
            var fixedSource = InClass("""
                    int M(BlogContext db) => db.Blogs.Where(b => b.Rating > 3).Count();
                    int N(BlogContext db) => db.Blogs.Count();
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Count"), Diagnostic(1, "ToArray", "Length"));
        }

        [Fact]
        public async Task A_local_used_once_in_the_next_statement_is_inlined()
        {
            var source = InClass("""
                    async Task<bool> M(BlogContext db, int blogId, CancellationToken ct)
                    {
                        var posts = await db.Posts.Where(p => p.BlogId == blogId).{|#0:ToListAsync|}(ct);
                        return {|#1:posts|}.Any(p => p.IsPublished);
                    }
                """);
            var fixedSource = InClass("""
                    async Task<bool> M(BlogContext db, int blogId, CancellationToken ct)
                    {
                        return await db.Posts.Where(p => p.BlogId == blogId).AnyAsync(p => p.IsPublished, ct);
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToListAsync", "Any").WithLocation(1));
        }

        [Fact]
        public async Task A_local_used_once_further_down_is_reported_without_a_fix()
        {
            var source = InClass("""
                    int M(BlogContext db)
                    {
                        var posts = db.Posts.{|#0:ToList|}();
                        Console.WriteLine("loaded");
                        foreach (var p in {|#1:posts|}.Where(p => p.IsPublished))
                        {
                            Console.WriteLine(p.Title);
                        }

                        return 0;
                    }
                """);
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", "Where").WithLocation(1));
            test.FixedState.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", "Where").WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task AsEnumerable_then_Where_and_Select_moves_both()
        {
            var source = InClass("""
                    List<string> M(BlogContext db)
                        => db.Posts.{|#0:AsEnumerable|}().Where(p => p.Views > 100).Select(p => p.Title).ToList();
                """);
            var fixedSource = InClass("""
                    List<string> M(BlogContext db)
                        => db.Posts.Where(p => p.Views > 100).Select(p => p.Title).ToList();
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "AsEnumerable", "Where"));
        }

        [Fact]
        public async Task Only_the_translatable_steps_move_and_the_materialization_follows_them()
        {
            var source = InClass("""
                    static string Format(Post p) => p.Title.ToUpperInvariant();

                    List<string> M(BlogContext db)
                        => db.Posts.{|#0:ToList|}().Where(p => p.Views > 10).Select(p => Format(p)).ToList();
                """);
            var fixedSource = InClass("""
                    static string Format(Post p) => p.Title.ToUpperInvariant();

                    List<string> M(BlogContext db)
                        => db.Posts.Where(p => p.Views > 10).ToList().Select(p => Format(p)).ToList();
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Where"));
        }

        [Fact]
        public async Task Multi_line_chains_keep_their_layout()
        {
            var source = InClass("""
                    int M(BlogContext db, int blogId)
                    {
                        return db.Posts
                            .Where(p => p.BlogId == blogId)
                            .{|#0:ToList|}()
                            .Where(p => p.IsPublished)
                            .Count();
                    }
                """);
            var fixedSource = InClass("""
                    int M(BlogContext db, int blogId)
                    {
                        return db.Posts
                            .Where(p => p.BlogId == blogId)
                            .Where(p => p.IsPublished)
                            .Count();
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Where"));
        }

        [Theory]
        [InlineData("db.Authors.{|#0:ToList|}().Where(a => a.Name == name).ToList()", "Where")] // collation: the database may compare case-insensitively
        [InlineData("db.Authors.{|#0:ToList|}().Where(a => a.Email.Contains(name)).ToList()", "Where")]
        [InlineData("db.Authors.{|#0:ToList|}().OrderBy(a => a.Name).Take(5).ToList()", "OrderBy")] // string order follows the collation (reported for the Take)
        [InlineData("db.Authors.{|#0:ToList|}().Last(a => a.Id > 3) is { } last ? new List<Author> { last } : null", "Last")] // EF refuses Last without OrderBy
        public async Task Steps_whose_database_answer_may_differ_are_reported_without_a_fix(string expression, string step)
        {
            var source = InClass($$"""
                    List<Author> M(BlogContext db, string name) => {{expression}};
                """);
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", step));
            test.FixedState.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", step));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("IOrderedEnumerable<Post> M(BlogContext db) => db.Posts.{|#0:ToList|}().Where(p => p.Views > 3).OrderBy(p => p.Id);", "Where")] // List<Post> is no IOrderedEnumerable
        [InlineData("IEnumerable<Post> M(BlogContext db) { var q = db.Posts.{|#0:ToList|}().Where(p => p.Views > 3); q = q.Where(p => p.IsPublished); return q; }", "Where")] // var would become List<Post>
        public async Task No_fix_where_the_materialized_collection_would_not_fit(string member, string step)
        {
            var source = InClass(member);
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", step));
            test.FixedState.ExpectedDiagnostics.Add(Diagnostic(0, "ToList", step));
            await test.RunAsync();
        }

        [Fact]
        public async Task The_materialized_collection_takes_the_place_of_an_enumerable()
        {
            var source = InClass("""
                    IEnumerable<Post> M(BlogContext db) => db.Posts.{|#0:ToList|}().Where(p => p.Views > 3);

                    int N(BlogContext db)
                    {
                        var n = 0;
                        foreach (var p in db.Posts.{|#1:ToArray|}().Where(p => p.IsPublished))
                        {
                            n += p.Views;
                        }

                        return n;
                    }
                """);
            var fixedSource = InClass("""
                    IEnumerable<Post> M(BlogContext db) => db.Posts.Where(p => p.Views > 3).ToList();

                    int N(BlogContext db)
                    {
                        var n = 0;
                        foreach (var p in db.Posts.Where(p => p.IsPublished).ToArray())
                        {
                            n += p.Views;
                        }

                        return n;
                    }
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Diagnostic(0, "ToList", "Where"), Diagnostic(1, "ToArray", "Where"));
        }

        [Fact]
        public async Task Fix_All_fixes_every_occurrence_in_the_document()
        {
            var source = InClass("""
                    int A(BlogContext db) => db.Posts.{|#0:ToList|}().Count(p => p.IsPublished);
                    Post B(BlogContext db, int id) => db.Posts.{|#1:ToList|}().FirstOrDefault(p => p.Id == id);
                    decimal D(BlogContext db) => db.Blogs.{|#2:ToList|}().Sum(b => (decimal)b.Rating);
                """);
            var fixedSource = InClass("""
                    int A(BlogContext db) => db.Posts.Count(p => p.IsPublished);
                    Post B(BlogContext db, int id) => db.Posts.FirstOrDefault(p => p.Id == id);
                    decimal D(BlogContext db) => db.Blogs.Sum(b => (decimal)b.Rating);
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10,
                Diagnostic(0, "ToList", "Count"), Diagnostic(1, "ToList", "FirstOrDefault"), Diagnostic(2, "ToList", "Sum"));
        }

        [Fact]
        public async Task A_tree_is_reported_when_only_counted_or_when_not_tracked_by_query_or_context()
        {
            var source = """
                class Category
                {
                    public int Id { get; set; }
                    public int? ParentId { get; set; }
                    public Category Parent { get; set; }
                    public List<Category> Children { get; set; } = new();
                }

                class TreeContext : DbContext { public DbSet<Category> Categories { get; set; } }

                class ReadOnlyTreeContext : DbContext
                {
                    public DbSet<Category> Categories { get; set; }

                    protected override void OnConfiguring(DbContextOptionsBuilder options)
                        => options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
                }

                class C
                {
                    int Roots(TreeContext db) => db.Categories.{|#0:ToList|}().Count(c => c.ParentId == null);
                    List<Category> Untracked(TreeContext db) => db.Categories.AsNoTracking().{|#1:ToList|}().Where(c => c.ParentId == null).ToList();
                    List<Category> UntrackedContext(ReadOnlyTreeContext db) => db.Categories.{|#2:ToList|}().Where(c => c.ParentId == null).ToList();
                    List<Category> Tracked(TreeContext db) => db.Categories.ToList().Where(c => c.ParentId == null).ToList();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Diagnostic(0, "ToList", "Count"), Diagnostic(1, "ToList", "Where"), Diagnostic(2, "ToList", "Where"));
        }

        [Fact]
        public async Task A_lookup_table_memoised_in_a_field_is_silent_a_growing_table_or_an_uncached_lookup_is_reported()
        {
            // warpstorm/forum's SmileyRepository: the smileys (a lookup table: no parent or owner) loaded once per request into
            // a field, filtered in memory there. Near misses: Posts (they grow with use) memoised the same way, and the
            // lookup table filtered after ToList without a cache.
            var source = """
                class Lookups
                {
                    private readonly BlogContext _db;
                    private List<Tag> _tags;
                    private List<Post> _posts;

                    public async Task<List<Tag>> Tags()
                    {
                        if (_tags is null)
                        {
                            var records = await _db.Tags.ToListAsync();
                            _tags = records.Where(t => t.Label != null).OrderBy(t => t.Id).ToList();
                        }

                        return _tags;
                    }

                    public async Task<List<Post>> Posts()
                    {
                        if (_posts is null)
                        {
                            var records = await _db.Posts.{|#0:ToListAsync|}();
                            _posts = records.Where(p => p.IsPublished).ToList();
                        }

                        return _posts;
                    }

                    public async Task<List<Tag>> Uncached()
                    {
                        var records = await _db.Tags.{|#1:ToListAsync|}();
                        return records.Where(t => t.Label != null).ToList();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Diagnostic(0, "ToListAsync", "Where").WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations),
                Diagnostic(1, "ToListAsync", "Where").WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
        }

        [Fact]
        public async Task Works_with_EF_Core_8()
        {
            var source = InClass("""
                    async Task<Post> M(BlogContext db, int id, CancellationToken ct)
                        => (await db.Posts.OrderBy(p => p.Id).{|#0:ToListAsync|}(ct)).LastOrDefault(p => p.BlogId == id);
                """);
            var fixedSource = InClass("""
                    async Task<Post> M(BlogContext db, int id, CancellationToken ct)
                        => await db.Posts.OrderBy(p => p.Id).LastOrDefaultAsync(p => p.BlogId == id, ct);
                """);
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef8, Diagnostic(0, "ToListAsync", "LastOrDefault"));
        }

        [Theory]
        [InlineData("var all = db.Posts.ToList(); var a = all.Count(p => p.IsPublished); var b = all.Count; return a + b;")] // loaded once, used twice
        [InlineData("var all = db.Posts.ToList(); var n = 0; foreach (var blog in db.Blogs.ToList()) { n += all.Count(p => p.BlogId == blog.Id); } return n;")] // the cure for N+1
        [InlineData("var all = db.Posts.ToList(); Func<int, int> count = id => all.Count(p => p.BlogId == id); return count(1);")]
        [InlineData("return db.Posts.ToList().Where(p => Interesting(p)).Count();")] // not translatable
        [InlineData("return db.Posts.ToList().Where(Interesting).Count();")] // method group
        [InlineData("return new NoteContext().Notes.ToList().Count(n => n.Length > 3);")] // computed property
        [InlineData("return new NoteContext().Notes.ToList().Count(n => n.Draft);")] // [NotMapped]
        [InlineData("return db.Posts.ToList().Where((p, i) => i % 2 == 0).Count();")] // index
        [InlineData("return db.Posts.FromSqlRaw(\"EXEC dbo.RecentPosts\").ToList().Count(p => p.IsPublished);")] // a stored procedure cannot be composed over
        [InlineData("return db.Posts.Select(p => new PostRow { Id = p.Id, Views = p.Views }).ToList().Count(r => r.Views > 3);")] // a DTO made on the client
        [InlineData("var all = new TreeContext().Categories.Where(c => c.Visible).ToList(); var roots = all.Where(c => c.ParentId == null).ToList(); return roots.Sum(r => r.Children.Count);")] // a tree built by fixup
        [InlineData("return db.Posts.ToList().GroupBy(p => p.BlogId).Count();")]
        [InlineData("return db.Posts.AsEnumerable().Where(p => p != null).Select(p => Interesting(p)).ToArray().Length;")] // a query's rows are never null: nothing filtered
        [InlineData("return db.Posts.Where(p => p.Views > 1).ToList().OrderBy(p => p.Id).ThenBy(p => p.Title).ToList().Count;")] // sorting alone: the same rows either way
        [InlineData("return db.Posts.Where(p => p.Views > 1).ToList().Select(p => new { p.Id, p.Title }).ToList().Count;")] // columns, not rows: EFP305's business
        [InlineData("return db.Posts.ToDictionary(p => p.Id).Count;")]
        [InlineData("var n = 0; foreach (var p in db.Posts.ToList()) { n++; } return n;")] // foreach over the rows
        [InlineData("return new List<Post>().ToList().Count(p => p.IsPublished);")] // not a query
        [InlineData("return db.Blogs.Count(b => b.Posts.ToList().Count(p => p.IsPublished) > 1);")] // inside an expression tree: SQL
        [InlineData("var id = 3; var post = db.Posts.Include(p => p.Comments).Where(p => p.Id == id).ToList().FirstOrDefault(); return post?.Views ?? 0;")] // at most one row by key either way (BTCPay's GetInvoiceRaw)
        public async Task Does_not_report(string body)
        {
            var source = """
                class PostRow { public int Id { get; set; } public int Views { get; set; } }
                class Note
                {
                    public int Id { get; set; }
                    public string Text { get; set; } = "";
                    public int Length => Text.Length;
                    [System.ComponentModel.DataAnnotations.Schema.NotMapped] public bool Draft { get; set; }
                }
                class NoteContext : DbContext { public DbSet<Note> Notes { get; set; } }
                class Category
                {
                    public int Id { get; set; }
                    public bool Visible { get; set; }
                    public int? ParentId { get; set; }
                    public Category Parent { get; set; }
                    public List<Category> Children { get; set; } = new();
                }
                class TreeContext : DbContext { public DbSet<Category> Categories { get; set; } }
                class C
                {
                    static bool Interesting(Post p) => p.Views > 10;

                    int M(BlogContext db)
                    {
                        BODY
                    }
                }
                """.Replace("BODY", body);
            var diagnostics = await AnalyzerRunner.RunAsync(new PrematureMaterializationAnalyzer(), source);
            Assert.Empty(diagnostics.Where(d => d.Id == "EFP303").Select(d => d.ToString()));
        }

        [Fact]
        public async Task Reports_a_key_filter_applied_on_some_paths_only()
        {
            // Without the id the query loads every post: the key lookup must hold on every path to make the step moot.
            var source = """
                class C
                {
                    int M(BlogContext db, int? id)
                    {
                        var q = db.Posts.AsQueryable();
                        if (id.HasValue)
                        {
                            q = q.Where(p => p.Id == id);
                        }

                        return q.ToList().Count(p => p.IsPublished);
                    }
                }
                """;
            var diagnostics = await AnalyzerRunner.RunAsync(new PrematureMaterializationAnalyzer(), source);
            Assert.Single(diagnostics, d => d.Id == "EFP303");
        }

        [Theory]
        [InlineData("return db.Posts.ToList().Where(p => p.")]
        [InlineData("return db.Posts.ToList().Count(")]
        [InlineData("var x = (await db.Posts.ToListAsync()).;")]
        [InlineData("var all = db.Posts.ToList(); return all.Where(p => p.Views > ).Count();")]
        [InlineData("return db.Posts.ToList().Where(p => p.NoSuchMember > 1).Count();")]
        [InlineData("return db.Nope.ToList().Count();")]
        public async Task Half_typed_code_does_not_throw(string body)
        {
            var source = "class C { async Task<int> M(BlogContext db) { " + body + " } }";
            await AnalyzerRunner.RunAsync(new PrematureMaterializationAnalyzer(), source);
        }

        [Fact]
        public async Task Test_classes_are_not_reported_their_database_holds_what_the_test_put_there()
        {
            // MODiX's repository tests: db.GuildUsers.AsEnumerable().Where(..) in an NUnit [Test] asserting on a few seeded rows.
            var source = """
                namespace TestFramework
                {
                    public sealed class TestAttribute : System.Attribute { }
                    public sealed class TestFixtureAttribute : System.Attribute { }
                }

                [TestFramework.TestFixture]
                public class PostRepositoryTests
                {
                    public List<string> Seeded(BlogContext db) => db.Posts.AsEnumerable().Where(p => p.Views > 100).Select(p => p.Title).ToList();
                }

                public class PostTests
                {
                    [TestFramework.Test]
                    public void Finds(BlogContext db) => System.Console.WriteLine(db.Posts.AsEnumerable().Where(p => p.Views > 100).Count());
                }

                public class PostService
                {
                    public List<string> Popular(BlogContext db) => db.Posts.{|#0:AsEnumerable|}().Where(p => p.Views > 100).Select(p => p.Title).ToList();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Diagnostic(0, "AsEnumerable", "Where"));
        }

        [Fact]
        public async Task A_test_project_is_not_reported()
        {
            var source = """
                public class PostService
                {
                    public List<string> Popular(BlogContext db) => db.Posts.AsEnumerable().Where(p => p.Views > 100).Select(p => p.Title).ToList();
                }
                """;
            var test = CSharpAnalyzerVerifier<PrematureMaterializationAnalyzer>.Create(source);
            test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
            await test.RunAsync();
        }
    }
}
