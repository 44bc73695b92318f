using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Both variants read only a few members of the entities they load: EFP305 (projection) is not what this scenario shows.
#pragma warning disable EFP305
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP301: the first page of posts (20 of 10,000). The bad variant loads the whole table and pages in memory; the
    /// fixed variant pages in SQL (the rule has no automatic fix: a Take changes results, so this is the paging the docs
    /// recommend).
    /// </summary>
    public sealed class EFP301_UnboundedQuery : ProofScenario
    {
        public override string RuleId => "EFP301";

        public override string Title => "First page of 20 posts out of 10,000";

        public override ProofMetric Improves => ProofMetric.RowsRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.AsNoTracking().ToListAsync(ct);
            return posts.OrderBy(p => p.Id).Take(20).Select(p => new { p.Id, p.Title, p.Views }).ToList();
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.AsNoTracking().OrderBy(p => p.Id).Take(20).ToListAsync(ct);
            return posts.Select(p => new { p.Id, p.Title, p.Views }).ToList();
        }
    }
}
