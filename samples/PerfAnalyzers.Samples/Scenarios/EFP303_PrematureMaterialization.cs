using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP303: a dashboard's "published posts" count and its top 20 published posts by views. The bad variant loads all
    /// 10,000 posts (twice) and counts, filters, sorts and pages them in memory; the fixed variant is the rule's fix
    /// applied to both statements: the same operators moved before the materialization, so the database returns one
    /// number and 20 rows.
    /// </summary>
    public sealed class EFP303_PrematureMaterialization : ProofScenario
    {
        public override string RuleId => "EFP303";

        public override string Title => "Published count and top 20 posts by views";

        public override int Repetitions => 3;

        // Time drops 5-25x in every run so far, but it is shown, not required: rows and bytes are what the rule is about
        // and they do not depend on how loaded the machine is.
        public override ProofMetric Improves => ProofMetric.RowsRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var published = (await context.Posts.ToListAsync(ct)).Count(p => p.IsPublished);
            var top = (await context.Posts.ToListAsync(ct))
                .Where(p => p.IsPublished)
                .OrderByDescending(p => p.Views)
                .ThenBy(p => p.Id)
                .Take(20)
                .Select(p => new PostRow(p.Id, p.Title, p.Views))
                .ToList();
            return new { published, top };
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var published = await context.Posts.CountAsync(p => p.IsPublished, ct);
            var top = await context.Posts
                .Where(p => p.IsPublished)
                .OrderByDescending(p => p.Views)
                .ThenBy(p => p.Id)
                .Take(20)
                .Select(p => new PostRow(p.Id, p.Title, p.Views))
                .ToListAsync(ct);
            return new { published, top };
        }

        private sealed record PostRow(int Id, string Title, int Views);
    }
}
