using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.UpdateLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.UpdateLoopFixer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class UpdateLoopTests
    {
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expected(int location, string entity = "Post", string suffix = "")
            => VerifyCS.Diagnostic("EFP203").WithLocation(location).WithArguments(entity, suffix);

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_replaces_load_loop_and_save_with_execute_update(EfVersion version)
        {
            var source = """
                class C
                {
                    void M(int blogId, int bonus)
                    {
                        using var db = new BlogContext();
                        var posts = db.Posts.Where(p => p.BlogId == blogId).ToList();
                        {|#0:foreach|} (var post in posts)
                        {
                            post.Views = post.Views + bonus;
                            post.IsPublished = true;
                            post.Content = post.Title;
                        }
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(int blogId, int bonus)
                    {
                        using var db = new BlogContext();
                        db.Posts
                            .Where(p => p.BlogId == blogId)
                            .ExecuteUpdate(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + bonus)
                                .SetProperty(post => post.IsPublished, true)
                                .SetProperty(post => post.Content, post => post.Title));
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version, Expected(0));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_async_keeps_token_and_save_of_a_shared_context(EfVersion version)
        {
            var source = """
                class C
                {
                    private readonly BlogContext _db = new();

                    async Task M(string title, CancellationToken ct)
                    {
                        {|#0:foreach|} (var post in await _db.Posts.Where(p => !p.IsPublished).ToListAsync(ct))
                        {
                            post.Views++;
                            post.Title = title;
                            post.Views -= 2;
                        }
                        await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    private readonly BlogContext _db = new();

                    async Task M(string title, CancellationToken ct)
                    {
                        await _db.Posts
                            .Where(p => !p.IsPublished)
                            .ExecuteUpdateAsync(setters => setters
                                .SetProperty(post => post.Views, post => post.Views + 1)
                                .SetProperty(post => post.Title, title), ct)
                            .ConfigureAwait(false);
                        await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                    }
                }
                """;
            // 'Views' is assigned twice: reported, but no fix. Check that first.
            await VerifyCS.VerifyAnalyzerAsync(source, version, Expected(0, suffix: " (no automatic fix: 'Views' is assigned twice)"));

            source = source.Replace("            post.Views -= 2;\n", "");
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version, Expected(0));
        }

        [Fact]
        public async Task Fix_all_rewrites_each_loop()
        {
            var source = """
                class C
                {
                    void M(int blogId)
                    {
                        using var db = new BlogContext();
                        {|#0:foreach|} (var post in db.Posts.Where(p => p.BlogId == blogId))
                            post.Views = 0;
                        db.SaveChanges();

                        var blogs = db.Blogs.Where(b => b.Rating < 2).ToList();
                        {|#1:foreach|} (var blog in blogs)
                        {
                            blog.IsArchived = true;
                        }
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(int blogId)
                    {
                        using var db = new BlogContext();
                        db.Posts.Where(p => p.BlogId == blogId).ExecuteUpdate(setters => setters.SetProperty(post => post.Views, 0));
                        db.SaveChanges();

                        db.Blogs.Where(b => b.Rating < 2).ExecuteUpdate(setters => setters.SetProperty(blog => blog.IsArchived, true));
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Expected(0), Expected(1, "Blog"));
        }

        [Fact]
        public async Task Does_not_report_loops_that_do_more_than_set_columns()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, List<int> seen, int blogId)
                    {
                        foreach (var post in db.Posts.Where(p => p.BlogId == blogId))
                        {
                            post.Views = 0;
                            seen.Add(post.Id);
                        }
                        db.SaveChanges();

                        foreach (var post in db.Posts.ToList())
                            post.Title = post.Title.Trim();
                        db.SaveChanges();

                        foreach (var post in db.Posts.ToList())
                            post.PublishedAt = DateTime.UtcNow;
                        db.SaveChanges();

                        foreach (var post in db.Posts.ToList())
                            post.Title = post.Title + " (old)";
                        db.SaveChanges();

                        var posts = db.Posts.ToList();
                        foreach (var post in posts)
                            post.Views = 0;
                        db.SaveChanges();
                        Console.WriteLine(posts.Count);

                        foreach (var post in db.Posts.AsNoTracking().ToList())
                            post.Views = 0;
                        db.SaveChanges();

                        foreach (var title in db.Posts.Select(p => p.Title).ToList())
                            Console.WriteLine(title);
                        db.SaveChanges();

                        foreach (var post in db.Posts.ToList())
                            post.Views = 0;
                        Console.WriteLine("not saved right after");
                        db.SaveChanges();

                        List<Post> first = db.Posts.ToList(), second = new();
                        foreach (var post in first)
                            post.Views = 0;
                        db.SaveChanges();

                        foreach (var post in new List<Post>())
                            post.Views = 0;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_without_fix_when_a_bulk_update_would_change_behaviour()
        {
            var source = """
                public class Address { public string City { get; set; } }
                public class Note { public int Id { get; set; } public Address Address { get; set; } }
                public class NoteContext : DbContext
                {
                    public DbSet<Note> Notes { get; set; }
                    protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().OwnsOne(n => n.Address);
                }

                class C
                {
                    void Owned(NoteContext db)
                    {
                        {|#0:foreach|} (var note in db.Notes.ToList())
                            note.Address.City = "";
                        db.SaveChanges();
                    }

                    void Ordered(BlogContext db)
                    {
                        {|#1:foreach|} (var post in db.Posts.OrderBy(p => p.Id).Take(10).ToList())
                            post.Views = 0;
                        db.SaveChanges();
                    }

                    void ResultUsed(BlogContext db)
                    {
                        {|#2:foreach|} (var post in db.Posts.Where(p => p.Views > 10))
                            post.Views = 10;
                        var saved = db.SaveChanges();
                    }

                    void ReadsChangedColumn(BlogContext db)
                    {
                        {|#3:foreach|} (var post in db.Posts.Where(p => p.Views > 10))
                        {
                            post.Views = 0;
                            post.IsPublished = post.Views > 5;
                        }
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                Expected(0, "Note", " (no automatic fix: the loop changes 'note.Address.City' through an owned or complex type)"),
                Expected(1, suffix: " (no automatic fix: the query uses 'OrderBy')"),
                Expected(2, suffix: " (no automatic fix: the result of SaveChanges is used)"),
                Expected(3, suffix: " (no automatic fix: 'Views' is read after the loop changed it)"));
        }

        [Fact]
        public async Task Does_not_report_changes_to_related_entities()
        {
            // One ExecuteUpdate over Posts cannot write a Blog or an Author row: no ExecuteUpdate advice at all.
            var source = """
                [System.ComponentModel.DataAnnotations.Schema.ComplexType]
                public class Money { public decimal Amount { get; set; } }
                public class Invoice { public int Id { get; set; } public int Views { get; set; } public Money Total { get; set; } }
                public class InvoiceContext : DbContext { public DbSet<Invoice> Invoices { get; set; } }

                class C
                {
                    void Related(BlogContext db)
                    {
                        foreach (var post in db.Posts.Where(p => p.Views > 10).ToList())
                            post.Blog.Rating = 0;
                        db.SaveChanges();
                    }

                    void Mixed(BlogContext db)
                    {
                        foreach (var post in db.Posts.Where(p => p.Views > 10))
                        {
                            post.Views = 0;
                            post.Author.Name = "";
                        }
                        db.SaveChanges();
                    }

                    void Complex(InvoiceContext db)
                    {
                        {|#0:foreach|} (var invoice in db.Invoices.Where(i => i.Views > 10))
                            invoice.Total.Amount = 0;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source,
                Expected(0, "Invoice", " (no automatic fix: the loop changes 'invoice.Total.Amount' through an owned or complex type)"));
        }

        [Theory]
        [InlineData("[System.ComponentModel.DataAnnotations.ConcurrencyCheck] public int Version { get; set; }", "", "'Note.Version' is a concurrency token")]
        [InlineData("[System.ComponentModel.DataAnnotations.Timestamp] public byte[] RowVersion { get; set; }", "", "'Note.RowVersion' is a concurrency token")]
        [InlineData("public byte[] RowVersion { get; set; }", "protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().Property(n => n.RowVersion).IsRowVersion();", "'Note' has a concurrency token (IsRowVersion/IsConcurrencyToken)")]
        [InlineData("public int Version { get; set; }", "protected override void OnModelCreating(ModelBuilder b) { b.Entity<Note>(e => { e.Property(n => n.Version).IsConcurrencyToken(); }); }", "'Note' has a concurrency token (IsRowVersion/IsConcurrencyToken)")]
        [InlineData("", "public override int SaveChanges() { return base.SaveChanges(); }", "'NoteContext' overrides SaveChanges, which would be bypassed")]
        [InlineData("", "public override Task<int> SaveChangesAsync(CancellationToken ct = default) => base.SaveChangesAsync(ct);", "'NoteContext' overrides SaveChanges, which would be bypassed")]
        [InlineData("", "public NoteContext() { SavingChanges += (s, e) => { }; }", "'NoteContext' handles SavingChanges/ChangeTracker events, which would be bypassed")]
        [InlineData("public Address Address { get; set; }", "protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().OwnsOne(n => n.Address);", "'Note' has owned or complex types (OwnsOne/OwnsMany/ComplexProperty)")]
        [InlineData("", "} class SpecialNote : Note { public int Extra { get; set; }", "types derive from 'Note' (an inheritance hierarchy)")]
        public async Task Safety_guards_report_without_fix(string noteMember, string contextMember, string reason)
        {
            var source = $$"""
                public class Address { public string City { get; set; } }
                public class Note
                {
                    public int Id { get; set; }
                    public int Stars { get; set; }
                    {{noteMember}}
                }

                public class NoteContext : DbContext
                {
                    public DbSet<Note> Notes { get; set; }
                    {{contextMember}}
                }

                class C
                {
                    void M(NoteContext db)
                    {
                        {|#0:foreach|} (var note in db.Notes.Where(n => n.Stars > 3))
                            note.Stars = 5;
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Expected(0, "Note", " (no automatic fix: " + reason + ")"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Save_changes_interceptor_in_compilation_blocks_the_fix()
        {
            var source = """
                using Microsoft.EntityFrameworkCore.Diagnostics;

                class AuditInterceptor : SaveChangesInterceptor { }

                class C
                {
                    void M(BlogContext db)
                    {
                        {|#0:foreach|} (var post in db.Posts.Where(p => p.Views > 3))
                            post.Views = 5;
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source, Expected(0, suffix: " (no automatic fix: the SaveChanges interceptor 'AuditInterceptor' would be bypassed)"));
        }

        [Fact]
        public async Task Survives_half_typed_code()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        foreach (var post in db.Posts.Where(p => p.{|CS1061:Nope|} > 3))
                            post.Missing = 5;
                        db.SaveChanges();
                        foreach (var post in db.Posts.ToList())
                            post.Views = {|CS0103:unknown|};
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
