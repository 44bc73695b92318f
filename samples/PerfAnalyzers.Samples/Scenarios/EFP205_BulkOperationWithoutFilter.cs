using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP205: "reset the view counter of draft posts" written as a bulk update whose Where was forgotten. Nothing fails:
    /// the statement runs, and every post in the table loses its views. The fixed variant filters to the drafts. This is a
    /// correctness scenario (ExpectSameResult = false): the proof shows how many rows each variant changed.
    /// </summary>
    public sealed class EFP205_BulkOperationWithoutFilter : ProofScenario
    {
        public override string RuleId => "EFP205";

        public override string Title => "Reset the views of draft posts (bulk update)";

        public override bool ExpectSameResult => false;

        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var changed = await context.Posts.ExecuteUpdateAsync(s => s.SetProperty(p => p.Views, 0), ct);
            return new { Changed = changed, PostsWithViews = await context.Posts.CountAsync(p => p.Views > 0, ct) };
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var changed = await context.Posts
                .Where(p => !p.IsPublished)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Views, 0), ct);
            return new { Changed = changed, PostsWithViews = await context.Posts.CountAsync(p => p.Views > 0, ct) };
        }
    }
}
