using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP306: page 3 of the well-rated blogs, after a routine job has touched some rows. Without ORDER BY the database
    /// returns rows in whatever order its plan produces: SQLite walks the index on Rating, so "page 3" is a page of the
    /// Rating index; PostgreSQL scans the heap, where an UPDATE writes a new row version at the end, so every row the job
    /// touched moves behind the others. Either way the page is not the blogs by key, and it changes with the plan, the
    /// provider and the history of the table. The fix (order by the key) returns the page the code means, every time.
    /// The bad variant's answer differs: that is the bug this rule prevents.
    /// </summary>
    public sealed class EFP306_PagingWithoutOrderBy : ProofScenario
    {
        public override string RuleId => "EFP306";

        public override string Title => "Page 3 of well-rated blogs after a rating refresh";

        public override bool ExpectSameResult => false;

        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            await RefreshRatingsAsync(context, ct);
            return await context.Blogs.AsNoTracking()
                .Where(b => b.Rating >= 3)
                .Skip(40)
                .Take(20)
                .Select(b => new { b.Id, b.Name, b.Rating })
                .ToListAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            await RefreshRatingsAsync(context, ct);
            return await context.Blogs.AsNoTracking()
                .Where(b => b.Rating >= 3)
                .OrderBy(b => b.Id)
                .Skip(40)
                .Take(20)
                .Select(b => new { b.Id, b.Name, b.Rating })
                .ToListAsync(ct);
        }

        /// <summary>The same routine write in both variants: re-save the rating of every 7th blog (values unchanged).</summary>
        private static Task<int> RefreshRatingsAsync(SampleDbContext context, CancellationToken ct)
            => context.Blogs
                .Where(b => b.Id % 7 == 0)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Rating, b => b.Rating), ct);
    }
}
