using System.Threading.Tasks;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;
using Verify = PerfAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<PerfAnalyzers.Rules.Writes.BulkOperationWithoutFilterAnalyzer>;

namespace PerfAnalyzers.Tests.Rules.Writes
{
    public class BulkOperationWithoutFilterTests
    {
        [Theory]
        [InlineData(EfVersion.Ef10)]
        [InlineData(EfVersion.Ef8)]
        public async Task Reports_bulk_operations_on_whole_tables(EfVersion version)
        {
            var source = """
                class C
                {
                    async Task M(BlogContext db, CancellationToken ct)
                    {
                        db.Posts.{|#0:ExecuteDelete|}();
                        await db.Set<Comment>().{|#1:ExecuteDeleteAsync|}(ct);
                        db.Posts.AsTracking().{|#2:ExecuteUpdate|}(s => s.SetProperty(p => p.Views, 0));
                        var all = db.Blogs.OrderBy(b => b.Id);
                        all.{|#3:ExecuteUpdate|}(s => s.SetProperty(b => b.Rating, b => b.Rating + 1));
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source, version,
                Verify.Diagnostic("EFP205").WithLocation(0).WithArguments("ExecuteDelete", "Post"),
                Verify.Diagnostic("EFP205").WithLocation(1).WithArguments("ExecuteDeleteAsync", "Comment"),
                Verify.Diagnostic("EFP205").WithLocation(2).WithArguments("ExecuteUpdate", "Post"),
                Verify.Diagnostic("EFP205").WithLocation(3).WithArguments("ExecuteUpdate", "Blog"));
        }

        [Fact]
        public async Task Does_not_report_filtered_or_scoped_bulk_operations()
        {
            var source = """
                public class Note { public int Id { get; set; } public int TenantId { get; set; } }
                public class NoteContext : DbContext
                {
                    public int Tenant { get; set; }
                    public DbSet<Note> Notes { get; set; }
                    protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().HasQueryFilter(n => n.TenantId == Tenant);
                }

                class C
                {
                    void M(BlogContext db, NoteContext notes, IQueryable<Post> given, int blogId, bool onlyOld)
                    {
                        db.Posts.Where(p => p.BlogId == blogId).ExecuteDelete();
                        db.Posts.OrderBy(p => p.Id).Take(100).ExecuteDelete();
                        var q = db.Posts.AsQueryable();
                        q = q.Where(p => p.BlogId == blogId);
                        q.ExecuteUpdate(s => s.SetProperty(p => p.Views, 0));
                        given.ExecuteDelete();
                        db.Posts.FromSqlRaw("SELECT * FROM Posts WHERE Views = 0").ExecuteDelete();
                        notes.Notes.ExecuteDelete();
                        var c = onlyOld ? db.Comments.Where(x => x.PostId < 10) : db.Comments;
                        c.ExecuteDelete();
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ignored_query_filter_and_optionally_conditional_filters()
        {
            var source = """
                public class Note { public int Id { get; set; } public bool Hidden { get; set; } }
                public class NoteContext : DbContext
                {
                    public DbSet<Note> Notes { get; set; }
                    protected override void OnModelCreating(ModelBuilder b) => b.Entity<Note>().HasQueryFilter(n => !n.Hidden);
                }

                class C
                {
                    void M(NoteContext notes, BlogContext db, bool onlyOld)
                    {
                        notes.Notes.IgnoreQueryFilters().{|#0:ExecuteDelete|}();
                        var c = onlyOld ? db.Comments.Where(x => x.PostId < 10) : db.Comments;
                        c.{|#1:ExecuteDelete|}();
                    }
                }
                """;
            var test = Verify.Create(source);
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_code_quality.EFP205.report_conditional_filter = true\n"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("EFP205").WithLocation(0).WithArguments("ExecuteDelete", "Note"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("EFP205").WithLocation(1).WithArguments("ExecuteDelete", "Comment"));
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
                        db.{|CS1061:Nope|}.ExecuteDelete();
                        db.Posts.ExecuteUpdate({|CS1503:5|});
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }
    }
}
