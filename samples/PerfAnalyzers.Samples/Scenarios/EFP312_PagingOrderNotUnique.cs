using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP312: every blog, page by page, sorted by its author's name (50 authors for 1,000 blogs: about 20 blogs share each
    /// name). The bad variant orders by the name alone; which of the tied blogs lands on which page is then up to the
    /// database's plan for each LIMIT/OFFSET. PostgreSQL sorts the join with a top-N heapsort that keeps only OFFSET + LIMIT
    /// rows, and the order it leaves ties in differs from one page to the next: some blogs come back on two pages, as many
    /// never come back. SQLite reads the blogs in rowid order and its sorter keeps ties in the order it read them, at every
    /// offset: there the pages happen to be complete, and both variants agree. The fix orders ties by the
    /// key: every blog exactly once, on every database.
    /// </summary>
    public sealed class EFP312_PagingOrderNotUnique : ProofScenario
    {
        private const int PageSize = 20;

        public override string RuleId => "EFP312";

        public override string Title => "All 1,000 blogs by author name, 20 per page";

        public override bool ExpectSameResult => false;

        // SQLite keeps ties in the order it reads the rows, at every offset: the bug does not show there (see NoteOn).
        public override bool ExpectSameResultOn(string provider) => provider == "SQLite";

        // The fix costs nothing measurable and buys the right answer.
        public override ProofMetric Improves => ProofMetric.None;

        public override bool ShowResults => true;

        public override string? NoteOn(string provider) => provider == "SQLite"
            ? "SQLite returns rows that tie in the order it reads them (here the blogs' rowid order, at every LIMIT/OFFSET), so "
              + "these pages neither repeat nor lose a blog there; PostgreSQL's top-N sort does not keep ties in any order (run "
              + "the proof on PostgreSQL to see blogs repeated and missing)"
            : null;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var total = await context.Blogs.CountAsync(ct);
            var shown = new List<int>();
            for (var page = 0; page * PageSize < total; page++)
            {
                shown.AddRange(await context.Blogs.AsNoTracking()
                    .OrderBy(b => b.Author!.Name)
                    .Skip(page * PageSize)
                    .Take(PageSize)
                    .Select(b => b.Id)
                    .ToListAsync(ct));
            }

            return Summary(total, shown);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var total = await context.Blogs.CountAsync(ct);
            var shown = new List<int>();
            for (var page = 0; page * PageSize < total; page++)
            {
                // Exactly what the EFP312 fix writes.
                shown.AddRange(await context.Blogs.AsNoTracking()
                    .OrderBy(b => b.Author!.Name)
                    .ThenBy(b => b.Id)
                    .Skip(page * PageSize)
                    .Take(PageSize)
                    .Select(b => b.Id)
                    .ToListAsync(ct));
            }

            return Summary(total, shown);
        }

        /// <summary>What a user paging through the list saw: rows shown, blogs shown twice or more, blogs never shown.</summary>
        private static object Summary(int total, List<int> shown)
        {
            var distinct = shown.Distinct().Count();
            return new { Blogs = total, RowsShown = shown.Count, Repeated = shown.Count - distinct, Missing = total - distinct };
        }
    }
}
