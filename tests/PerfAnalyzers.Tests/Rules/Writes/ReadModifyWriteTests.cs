using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.ReadModifyWriteAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.ReadModifyWriteFixer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class ReadModifyWriteTests
    {
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expected(int location, string entity = "post", string column = "Views", string suffix = "")
            => VerifyCS.Diagnostic("EFP206").WithLocation(location).WithArguments(entity, column, suffix);

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_replaces_load_change_and_save_of_a_local_context(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(int postId, CancellationToken ct)
                    {
                        await using var db = new BlogContext();
                        var post = await db.Posts.FirstAsync(p => p.Id == postId, ct);
                        {|#0:post.Views|}++;
                        await db.SaveChangesAsync(ct);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(int postId, CancellationToken ct)
                    {
                        await using var db = new BlogContext();
                        await db.Posts
                            .Where(p => p.Id == postId)
                            .ExecuteUpdateAsync(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + 1), ct);
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version, Expected(0));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_keeps_the_save_of_a_shared_context(EfVersion version)
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db = new();

                    async Task Find(int id, int amount)
                    {
                        var blog = await _db.Blogs.FindAsync(id).ConfigureAwait(false);
                        {|#0:blog.Rating|} -= amount;
                        await _db.SaveChangesAsync().ConfigureAwait(false);
                    }

                    void Sync(int id, int bonus)
                    {
                        var post = _db.Posts.Where(p => p.Id == id).Single();
                        {|#1:post.Views|} = post.Views + bonus * 2;
                        _db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    private readonly BlogContext _db = new();

                    async Task Find(int id, int amount)
                    {
                        await _db.Blogs
                            .Where(blog => blog.Id == id)
                            .ExecuteUpdateAsync(setters => setters
                                .SetProperty(blog => blog.Rating, blog => blog.Rating - amount))
                            .ConfigureAwait(false);
                        await _db.SaveChangesAsync().ConfigureAwait(false);
                    }

                    void Sync(int id, int bonus)
                    {
                        _db.Posts
                            .Where(p => p.Id == id)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + bonus * 2));
                        _db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version, Expected(0, "blog", "Rating"), Expected(1));
        }

        [Fact]
        public async Task Fix_parenthesizes_a_compound_amount()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, int id, int a, int b)
                    {
                        var post = db.Posts.SingleOrDefault(p => p.Id == id);
                        {|#0:post.Views|} -= a + b;
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(BlogContext db, int id, int a, int b)
                    {
                        db.Posts
                            .Where(p => p.Id == id)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(post => post.Views, post => post.Views - (a + b)));
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Expected(0));
        }

        [Fact]
        public async Task Fix_all_rewrites_each_method()
        {
            var source = """
                class C
                {
                    void A(BlogContext db, int id)
                    {
                        var post = db.Posts.First(p => p.Id == id);
                        {|#0:post.Views|} += 10;
                        db.SaveChanges();
                    }

                    void B(BlogContext db, int id)
                    {
                        var blog = db.Blogs.Find(id);
                        {|#1:blog.Rating|}--;
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void A(BlogContext db, int id)
                    {
                        db.Posts
                            .Where(p => p.Id == id)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + 10));
                        db.SaveChanges();
                    }

                    void B(BlogContext db, int id)
                    {
                        db.Blogs
                            .Where(blog => blog.Id == id)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(blog => blog.Rating, blog => blog.Rating - 1));
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Expected(0), Expected(1, "blog", "Rating"));
        }

        [Fact]
        public async Task Reports_without_fix_when_the_rewrite_is_not_mechanical()
        {
            var source = """
                class C
                {
                    async Task<int> NullChecked(BlogContext db, int id)
                    {
                        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id);
                        if (post == null) return -1;
                        {|#0:post.Views|} += 1;
                        await db.SaveChangesAsync();
                        return 0;
                    }

                    async Task<int> ReturnsTheNewValue(BlogContext db, int id)
                    {
                        var post = await db.Posts.FirstAsync(p => p.Id == id);
                        {|#1:post.Views|}++;
                        await db.SaveChangesAsync();
                        return post.Views;
                    }

                    void NotByKey(BlogContext db, string title)
                    {
                        var post = db.Posts.First(p => p.Title == title);
                        {|#2:post.Views|}++;
                        db.SaveChanges();
                    }

                    void Ordered(BlogContext db, int blogId)
                    {
                        var post = db.Posts.Where(p => p.BlogId == blogId).OrderBy(p => p.Views).First();
                        {|#3:post.Views|}++;
                        db.SaveChanges();
                    }

                    void NotConsecutive(BlogContext db, int id, int n)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        Console.WriteLine(n);
                        {|#4:post.Views|} += n;
                        db.SaveChanges();
                    }

                    void Computed(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        {|#5:post.Views|} += Bonus();
                        db.SaveChanges();
                    }

                    bool ResultUsed(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        {|#6:post.Views|}++;
                        return db.SaveChanges() > 0;
                    }

                    void NoFilter(BlogContext db)
                    {
                        var post = db.Posts.Single();
                        {|#7:post.Views|}++;
                        db.SaveChanges();
                    }

                    int Bonus() => 3;
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                Expected(0, suffix: " (no automatic fix: 'post' is checked for null; test the row count ExecuteUpdate returns instead)"),
                Expected(1, suffix: " (no automatic fix: 'post.Views' is read elsewhere)"),
                Expected(2, suffix: " (no automatic fix: 'First' does not find the row by its key, and ExecuteUpdate would change every row the filter matches)"),
                Expected(3, suffix: " (no automatic fix: the query uses 'OrderBy')"),
                Expected(4, suffix: " (no automatic fix: the load, the change and the save are not consecutive statements)"),
                Expected(5, suffix: " (no automatic fix: the value added is computed by a call; store it in a local first)"),
                Expected(6, suffix: " (no automatic fix: the result of SaveChanges is used)"),
                Expected(7, suffix: " (no automatic fix: the query has no filter, and ExecuteUpdate would change every row of the table)"));
        }

        [Fact]
        public async Task OfType_keeps_the_tracked_entities_of_the_root_set()
        {
            // One answer with EFP203/EFP204's loaded entities (issue 13): OfType's rows are tracked entities, so the load is
            // one (reported, without a fix: a bulk statement does not reproduce OfType). It used to be silent here alone.
            var source = """
                class C
                {
                    void Same(BlogContext db, int id)
                    {
                        var post = db.Posts.OfType<Post>().Single(p => p.Id == id);
                        {|#0:post.Views|}++;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Expected(0, suffix: " (no automatic fix: the query uses 'OfType')"));
        }

        [Fact]
        public async Task Does_not_report_when_the_entity_is_used_otherwise()
        {
            var source = """
                class C
                {
                    void OtherColumn(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        post.Title = "x";
                        db.SaveChanges();
                    }

                    Post Returned(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        db.SaveChanges();
                        return post;
                    }

                    void Passed(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        db.SaveChanges();
                        Log(post);
                    }

                    void ChildAdded(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        post.Comments.Add(new Comment());
                        db.SaveChanges();
                    }

                    object Mapped(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        db.SaveChanges();
                        return new { post.Id, post.Title };
                    }

                    void Parameter(BlogContext db, Post post)
                    {
                        post.Views++;
                        db.SaveChanges();
                    }

                    void PlainAssignment(BlogContext db, int id, int views)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views = views;
                        db.SaveChanges();
                    }

                    void OtherColumnValue(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views += post.BlogId;
                        db.SaveChanges();
                    }

                    void NoTracking(BlogContext db, int id)
                    {
                        var post = db.Posts.AsNoTracking().Single(p => p.Id == id);
                        post.Views++;
                        db.SaveChanges();
                    }

                    void NotSaved(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                    }

                    void OtherContextSaved(BlogContext db, BlogContext other, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        other.SaveChanges();
                    }

                    void InLoop(BlogContext db, List<int> ids)
                    {
                        foreach (var id in ids)
                        {
                            var post = db.Posts.Single(p => p.Id == id);
                            post.Views++;
                            db.SaveChanges();
                        }
                    }

                    void Reassigned(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post = db.Posts.Single(p => p.Id == id + 1);
                        post.Views++;
                        db.SaveChanges();
                    }

                    void Captured(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views++;
                        db.SaveChanges();
                        Action a = () => Console.WriteLine(post.Title);
                    }

                    void NotAColumn(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Title += "!";
                        db.SaveChanges();
                    }

                    void Log(Post p) { }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_what_the_bulk_update_would_bypass()
        {
            var source = """
                using System.ComponentModel.DataAnnotations;

                public class Account
                {
                    public int Id { get; set; }
                    public decimal Balance { get; set; }
                    [ConcurrencyCheck] public int Version { get; set; }
                }

                public class Counter
                {
                    public int Id { get; set; }
                    public long Value { get; set; }
                }

                public class BankContext : DbContext
                {
                    public DbSet<Account> Accounts { get; set; }
                }

                public class AuditedContext : DbContext
                {
                    public DbSet<Counter> Counters { get; set; }
                    public override int SaveChanges() => base.SaveChanges();
                }

                class C
                {
                    void Token(BankContext db, int id, decimal amount)
                    {
                        var account = db.Accounts.Single(a => a.Id == id);
                        account.Balance -= amount;
                        db.SaveChanges();
                    }

                    void Override(AuditedContext db, int id)
                    {
                        var counter = db.Counters.Single(c => c.Id == id);
                        counter.Value++;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_test_or_setup_code()
        {
            var source = """
                public class FactAttribute : Attribute { }

                public class CounterTests
                {
                    [Fact]
                    public void Increments()
                    {
                        using var db = new BlogContext();
                        var post = db.Posts.Single(p => p.Id == 1);
                        post.Views++;
                        db.SaveChanges();
                    }
                }

                public class DataSeeder
                {
                    public void Seed(BlogContext db)
                    {
                        var post = db.Posts.Single(p => p.Id == 1);
                        post.Views += 100;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_setup_code_when_asked()
        {
            var source = """
                public class DataSeeder
                {
                    public void Seed(BlogContext db)
                    {
                        var post = db.Posts.Single(p => p.Id == 1);
                        {|#0:post.Views|} += 100;
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                public class DataSeeder
                {
                    public void Seed(BlogContext db)
                    {
                        db.Posts
                            .Where(p => p.Id == 1)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + 100));
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, fixedSource);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.EFP206.report_seeding_code = true\n"));
            test.ExpectedDiagnostics.Add(Expected(0));
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_decimal_and_nullable_columns_of_other_entities()
        {
            var source = """
                public class Wallet
                {
                    public int Id { get; set; }
                    public decimal Balance { get; set; }
                    public int? Points { get; set; }
                }

                public class ShopContext : DbContext
                {
                    public DbSet<Wallet> Wallets { get; set; }
                }

                class C
                {
                    async Task Pay(ShopContext db, int id, decimal amount)
                    {
                        var wallet = await db.Wallets.SingleAsync(w => w.Id == id);
                        {|#0:wallet.Balance|} = wallet.Balance - amount;
                        await db.SaveChangesAsync();
                    }

                    void Earn(ShopContext db, int id)
                    {
                        var wallet = db.Wallets.Find(id);
                        {|#1:wallet.Points|} += 5;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Expected(0, "wallet", "Balance"), Expected(1, "wallet", "Points"));
        }

        [Fact]
        public async Task No_crash_on_half_typed_code()
        {
            var source = """
                class C
                {
                    void Typo(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == {|#0:idd|});
                        post.Views++;
                        db.SaveChanges();
                    }

                    void Unbound(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.{|#1:Viewz|}++;
                        db.SaveChanges();
                    }

                    void Unfinished(BlogContext db, int id)
                    {
                        var post = db.Posts.Single(p => p.Id == id);
                        post.Views += {|#2:;|}
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0103").WithLocation(0).WithArguments("idd"));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1061").WithLocation(1).WithArguments("Post", "Viewz"));
            test.ExpectedDiagnostics.Add(Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS1525").WithLocation(2).WithArguments(";"));
            await test.RunAsync();
        }
    }
}
