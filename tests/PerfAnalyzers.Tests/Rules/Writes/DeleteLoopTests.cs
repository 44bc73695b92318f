using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = PerfAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    PerfAnalyzers.Rules.Writes.DeleteLoopAnalyzer,
    PerfAnalyzers.CodeFixes.Rules.Writes.DeleteLoopFixer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class DeleteLoopTests
    {
        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expected(int location, string method, string entity = "Comment", string suffix = "")
            => VerifyCS.Diagnostic("EFP204").WithLocation(location).WithArguments(method, entity, suffix);

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_replaces_remove_loop_with_execute_delete(EfVersion version)
        {
            var source = """
                class C
                {
                    void M(int postId)
                    {
                        using var db = new BlogContext();
                        var comments = db.Comments.Where(c => c.PostId == postId).ToList();
                        foreach (var comment in comments)
                        {
                            db.Comments.{|#0:Remove|}(comment);
                        }
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    void M(int postId)
                    {
                        using var db = new BlogContext();
                        db.Comments.Where(c => c.PostId == postId).ExecuteDelete();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version, Expected(0, "Remove"));
        }

        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Fix_replaces_remove_range_forms(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, int postId, CancellationToken ct)
                    {
                        db.Comments.{|#0:RemoveRange|}(db.Comments.Where(c => c.PostId == postId));
                        await db.SaveChangesAsync(ct);

                        db.{|#1:RemoveRange|}(await db.Comments.Where(c => c.Text == "").ToListAsync(ct));
                        db.SaveChanges();

                        var old = db.Set<Comment>().Where(c => c.PostId < postId).ToArray();
                        db.Set<Comment>().{|#2:RemoveRange|}(old);
                        db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    async Task M(BlogContext db, int postId, CancellationToken ct)
                    {
                        await db.Comments.Where(c => c.PostId == postId).ExecuteDeleteAsync(ct);
                        await db.SaveChangesAsync(ct);

                        await db.Comments.Where(c => c.Text == "").ExecuteDeleteAsync(ct);
                        db.SaveChanges();

                        db.Set<Comment>().Where(c => c.PostId < postId).ExecuteDelete();
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, version,
                Expected(0, "RemoveRange"), Expected(1, "RemoveRange"), Expected(2, "RemoveRange"));
        }

        [Fact]
        public async Task Reports_and_fixes_a_remove_loop_over_a_DbSet_that_arrives_as_a_parameter_or_field()
        {
            var source = """
                class C
                {
                    static void Purge(BlogContext db, DbSet<Comment> comments, int postId)
                    {
                        var old = comments.Where(c => c.PostId == postId).ToList();
                        foreach (var comment in old)
                        {
                            comments.{|#0:Remove|}(comment);
                        }
                        db.SaveChanges();
                    }
                }

                class Repository<T> where T : class
                {
                    private readonly BlogContext _db;
                    private readonly DbSet<T> _set;
                    public Repository(BlogContext db) { _db = db; _set = db.Set<T>(); }

                    public void DeleteWhere(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
                    {
                        var items = _set.Where(predicate).ToList();
                        _set.{|#1:RemoveRange|}(items);
                        _db.SaveChanges();
                    }
                }
                """;
            var fixedSource = """
                class C
                {
                    static void Purge(BlogContext db, DbSet<Comment> comments, int postId)
                    {
                        comments.Where(c => c.PostId == postId).ExecuteDelete();
                        db.SaveChanges();
                    }
                }

                class Repository<T> where T : class
                {
                    private readonly BlogContext _db;
                    private readonly DbSet<T> _set;
                    public Repository(BlogContext db) { _db = db; _set = db.Set<T>(); }

                    public void DeleteWhere(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
                    {
                        _set.Where(predicate).ExecuteDelete();
                        _db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyCodeFixAsync(source, fixedSource, EfVersion.Ef10, Expected(0, "Remove"), Expected(1, "RemoveRange", "T"));
        }

        [Fact]
        public async Task Does_not_report_a_remove_loop_over_a_DbSet_parameter_saved_elsewhere_or_removed_through_another_set()
        {
            var source = """
                class C
                {
                    static void NotSavedHere(DbSet<Comment> comments, int postId)
                    {
                        foreach (var comment in comments.Where(c => c.PostId == postId).ToList())
                        {
                            comments.Remove(comment);
                        }
                    }

                    static void OtherSet(BlogContext db, DbSet<Comment> comments, DbSet<Comment> archive, int postId)
                    {
                        var old = comments.Where(c => c.PostId == postId).ToList();
                        archive.RemoveRange(old);
                        db.SaveChanges();
                    }

                    static void Listed(BlogContext db, IEnumerable<Comment> comments, int postId)
                    {
                        var old = comments.Where(c => c.PostId == postId).ToList();
                        db.Comments.RemoveRange(old);
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_near_misses()
        {
            var source = """
                class C
                {
                    void M(BlogContext db, BlogContext other, Comment single, List<Comment> given)
                    {
                        db.Comments.Remove(single);
                        db.SaveChanges();

                        db.Comments.RemoveRange(given);
                        db.SaveChanges();

                        foreach (var comment in db.Comments.Where(c => c.PostId == 1).ToList())
                        {
                            Console.WriteLine(comment.Text);
                            db.Comments.Remove(comment);
                        }
                        db.SaveChanges();

                        var comments = db.Comments.Where(c => c.PostId == 2).ToList();
                        db.Comments.RemoveRange(comments);
                        db.SaveChanges();
                        Console.WriteLine(comments.Count);

                        other.Comments.RemoveRange(db.Comments.Where(c => c.PostId == 3));
                        other.SaveChanges();

                        db.Comments.RemoveRange(db.Comments.Where(c => c.PostId == 4));
                        Console.WriteLine("saved later");
                        db.SaveChanges();

                        db.Comments.RemoveRange(db.Comments.Where(c => c.PostId == 5).AsNoTracking());
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Does_not_report_a_context_method_of_its_own_named_Remove()
        {
            // A Remove the application's context declares itself (a soft delete) is not the change tracker's: TrackerCall
            // knows EF Core's Remove by symbol (declared in EF Core, or overriding it) instead of by its name on a context.
            var source = """
                public class SoftContext : DbContext
                {
                    public DbSet<Comment> Comments { get; set; }

                    public void Remove(Comment comment) => comment.Text = "[deleted]";

                    public void RemoveRange(IEnumerable<Comment> comments) { foreach (var c in comments) Remove(c); }
                }

                class C
                {
                    void M(SoftContext db)
                    {
                        foreach (var comment in db.Comments.Where(c => c.PostId == 1).ToList())
                        {
                            db.Remove(comment);
                        }
                        db.SaveChanges();

                        db.RemoveRange(db.Comments.Where(c => c.PostId == 2));
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Theory]
        [InlineData("public bool IsDeleted { get; set; }", "", "'Note' has a soft-delete style property 'IsDeleted'")]
        [InlineData("public DateTime? DeletedAt { get; set; }", "", "'Note' has a soft-delete style property 'DeletedAt'")]
        [InlineData("public bool Hidden { get; set; }", "protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().HasQueryFilter(n => !n.Hidden);", "'Note' has a query filter (HasQueryFilter), often a soft-delete convention")]
        [InlineData("[System.ComponentModel.DataAnnotations.Timestamp] public byte[] RowVersion { get; set; }", "", "'Note.RowVersion' is a concurrency token")]
        [InlineData("", "public override int SaveChanges(bool accept) => base.SaveChanges(accept);", "'NoteContext' overrides SaveChanges, which would be bypassed")]
        public async Task Safety_guards_report_without_fix(string noteMember, string contextMember, string reason)
        {
            var source = $$"""
                public class Note
                {
                    public int Id { get; set; }
                    public int Stars { get; set; }
                    {{noteMember}}
                }

                public class NoteConfiguration : IEntityTypeConfiguration<Note>
                {
                    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Note> builder) => builder.HasKey(n => n.Id);
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
                        foreach (var note in db.Notes.Where(n => n.Stars < 2))
                            db.{|#0:Remove|}(note);
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Expected(0, "Remove", "Note", " (no automatic fix: " + reason + ")"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Principal_with_dependents_on_a_shared_context_gets_no_fix()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        db.Posts.{|#0:RemoveRange|}(db.Posts.Where(p => p.Views == 0));
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Expected(0, "RemoveRange", "Post", " (no automatic fix: the context may track 'Post.Comments' dependents, which Remove handles and ExecuteDelete does not)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Query_filter_in_a_model_helper_method_blocks_the_fix()
        {
            var source = """
                public class Note { public int Id { get; set; } public bool Hidden { get; set; } }

                static class NoteModel
                {
                    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Note>().HasQueryFilter(n => !n.Hidden);
                }

                public class NoteContext : DbContext
                {
                    public DbSet<Note> Notes { get; set; }
                    protected override void OnModelCreating(ModelBuilder modelBuilder) => NoteModel.Configure(modelBuilder);
                }

                class C
                {
                    void M()
                    {
                        using var db = new NoteContext();
                        db.Notes.{|#0:RemoveRange|}(db.Notes.Where(n => n.Id > 10));
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Expected(0, "RemoveRange", "Note", " (no automatic fix: 'Note' has a query filter (HasQueryFilter), often a soft-delete convention)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Query_filter_in_entity_type_configuration_or_model_loop_blocks_the_fix()
        {
            var source = """
                public class Note { public int Id { get; set; } public bool Hidden { get; set; } }

                public class NoteConfiguration : IEntityTypeConfiguration<Note>
                {
                    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Note> builder) => builder.HasQueryFilter(n => !n.Hidden);
                }

                public class NoteContext : DbContext
                {
                    public DbSet<Note> Notes { get; set; }
                }

                class C
                {
                    void M(NoteContext db)
                    {
                        db.Notes.{|#0:RemoveRange|}(db.Notes.Where(n => n.Id > 10));
                        db.SaveChanges();
                    }
                }
                """;
            var test = VerifyCS.Create(source, source);
            test.ExpectedDiagnostics.Add(Expected(0, "RemoveRange", "Note", " (no automatic fix: 'Note' has a query filter (HasQueryFilter), often a soft-delete convention)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_before_ef_core_7()
        {
            // A source-defined "EF Core" (assembly version 0.0.0.0, no ExecuteDelete): report, never fix.
            var source = """
                using System.Collections.Generic;
                using System.Linq;

                namespace Microsoft.EntityFrameworkCore
                {
                    public class DbContext { public int SaveChanges() => 0; }
                    public class DbSet<T> : IQueryable<T> where T : class
                    {
                        public void RemoveRange(IEnumerable<T> items) { }
                        public System.Type ElementType => typeof(T);
                        public System.Linq.Expressions.Expression Expression => null;
                        public IQueryProvider Provider => null;
                        public IEnumerator<T> GetEnumerator() => null;
                        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => null;
                    }
                }

                namespace App
                {
                    using Microsoft.EntityFrameworkCore;
                    public class Item { public int Id { get; set; } }
                    public class Ctx : DbContext { public DbSet<Item> Items { get; set; } }
                    class C
                    {
                        void M(Ctx db)
                        {
                            db.Items.{|#0:RemoveRange|}(db.Items.Where(i => i.Id > 3));
                            db.SaveChanges();
                        }
                    }
                }
                """;
            var test = new PerfTest<PerfAnalyzers.Rules.Writes.DeleteLoopAnalyzer, PerfAnalyzers.CodeFixes.Rules.Writes.DeleteLoopFixer>(EfVersion.None);
            test.TestState.Sources.Add(source);
            test.FixedState.Sources.Add(source);
            test.ExpectedDiagnostics.Add(Expected(0, "RemoveRange", "Item", " (no automatic fix: ExecuteUpdate/ExecuteDelete need EF Core 7 or newer (with a relational provider))"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Survives_half_typed_code()
        {
            var source = """
                class C
                {
                    void M(BlogContext db)
                    {
                        db.Comments.RemoveRange(db.{|CS1061:Nope|}.Where(c => c.PostId == 1));
                        db.SaveChanges();
                        foreach (var c in db.Comments.ToList())
                            db.{|CS1501:Remove|}();
                        db.SaveChanges();
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
