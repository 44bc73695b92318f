using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP311: the comments on popular posts. The bad variant loads the keys of the popular posts (thousands of them),
    /// then sends them all back as the parameter of the comments query's IN list: two round trips, every key read and
    /// written again. The fix keeps the keys a query, and EF Core runs one statement with IN (SELECT ...).
    /// </summary>
    public sealed class EFP311_ContainsOverLoadedList : ProofScenario
    {
        public override string RuleId => "EFP311";

        public override string Title => "Comments on the posts with over 100 views (keys as a subquery)";

        public override int Repetitions => 3;

        public override ProofMetric Improves => ProofMetric.RoundTrips | ProofMetric.RowsRead;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var popular = await context.Posts.Where(p => p.Views > 100).Select(p => p.Id).ToListAsync(ct);
            return await context.Comments
                .Where(c => popular.Contains(c.PostId))
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.PostId, c.Text })
                .ToListAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();

            // Exactly what the EFP311 fix writes.
            var popular = context.Posts.Where(p => p.Views > 100).Select(p => p.Id);
            return await context.Comments
                .Where(c => popular.Contains(c.PostId))
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.PostId, c.Text })
                .ToListAsync(ct);
        }
    }
}
