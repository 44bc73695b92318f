using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.EfCore
{
    /// <summary>
    /// The Add calls that make a table grow (<c>TableGrowth</c>): every receiver shape that can add an entity is still seen
    /// now that a call whose receiver is a plain name is looked up by name before its method is bound (issue 14), and a
    /// list's Add of an entity is not a row added.
    /// </summary>
    public class TableGrowthTests
    {
        private const string Model = """

            public class Notebook { public int Id { get; set; } public List<Note> Notes { get; set; } = new(); }
            public class Note { public int Id { get; set; } public int NotebookId { get; set; } public Notebook Notebook { get; set; } }
            public class NoteContext : DbContext { public DbSet<Note> Notes { get; set; } }

            """;

        [Theory]
        [InlineData("private readonly NoteContext _db = new NoteContext(); public void M(Note n) => _db.Notes.Add(n);", true)]
        [InlineData("public void M(NoteContext db, Note n) => db.Add(n);", true)]
        [InlineData("public void M(Note n) { var db = new NoteContext(); db.Notes.AddRange(n); }", true)]
        [InlineData("public void M(Notebook a, Note n) => a.Notes.Add(n);", true)]
        [InlineData("NoteContext Db { get; } = new NoteContext(); public void M(Note n) => Db.Notes.Add(n);", true)]
        [InlineData("public void M<TContext>(TContext db, Note n) where TContext : DbContext => db.Add(n);", true)]
        [InlineData("private readonly NoteContext _db = new NoteContext(); public void M(List<Note> all) => all.ForEach(n => _db.Notes.Add(n));", true)]
        [InlineData("public void M(NoteContext db, Note n) => db.Set<Note>().Add(n);", true)]
        [InlineData("public async System.Threading.Tasks.Task M(NoteContext db, Note n) => await db.Notes.AddAsync(n);", true)]
        [InlineData("private readonly List<Note> _notes = new(); public void M(Note n) => _notes.Add(n);", false)]
        [InlineData("public void M(Note n) { var notes = new List<Note>(); notes.Add(n); }", false)]
        [InlineData("public void M(Notebook a, Note n) { var notes = a.Notes; notes.Add(n); }", false)]
        public void Rows_added_are_the_adds_on_a_set_a_context_or_a_navigation_not_on_a_list(string member, bool added)
        {
            var host = EfCoreTestHost.Create(Model + "public class Writer { " + member + " }", EfVersion.Ef10);

            var growth = host.Ef!.Growth.Explain(host.Compilation.GetTypeByMetadataName("Note")!);

            if (added)
            {
                // In a lambda the place is the lambda ('Writer.'), as before.
                Assert.StartsWith("belongs to 'Notebook', rows added in 'Writer.", growth.Reason);
            }
            else
            {
                Assert.Equal("belongs to 'Notebook' only", growth.Reason);
            }

            Assert.Equal(added, growth.Grows);
        }
    }
}
