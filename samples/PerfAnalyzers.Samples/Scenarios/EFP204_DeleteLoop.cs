using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP204: delete the 1,000 oldest comments, loaded and removed one by one vs. one ExecuteDelete.</summary>
    public sealed class EFP204_DeleteLoop : ProofScenario
    {
        public override string RuleId => "EFP204";

        public override string Title => "Delete 1,000 comments";

        public override ProofMetric Improves => ProofMetric.RoundTrips | ProofMetric.RowsRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            var lastId = 1_000;
            await using (var context = db.CreateContext())
            {
                var comments = await context.Comments.Where(c => c.Id <= lastId).ToListAsync(ct);
                foreach (var comment in comments)
                {
                    context.Comments.Remove(comment);
                }
                await context.SaveChangesAsync(ct);
            }

            return await SummarizeAsync(db, ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            var lastId = 1_000;
            await using (var context = db.CreateContext())
            {
                await context.Comments.Where(c => c.Id <= lastId).ExecuteDeleteAsync(ct);
            }

            return await SummarizeAsync(db, ct);
        }

        private static async Task<object?> SummarizeAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            return new { Comments = await context.Comments.CountAsync(ct), FirstId = await context.Comments.MinAsync(c => c.Id, ct) };
        }
    }
}
