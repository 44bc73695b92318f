using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP203: count a view on each of the 1,000 posts of 100 blogs and publish them, loaded and saved vs. one ExecuteUpdate.</summary>
    public sealed class EFP203_UpdateLoop : ProofScenario
    {
        public override string RuleId => "EFP203";

        public override string Title => "Count a view on 1,000 posts";

        public override ProofMetric Improves => ProofMetric.RoundTrips | ProofMetric.RowsRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            var lastBlog = 100;
            await using (var context = db.CreateContext())
            {
                var posts = await context.Posts.Where(p => p.BlogId <= lastBlog).ToListAsync(ct);
                foreach (var post in posts)
                {
                    post.Views = post.Views + 1;
                    post.IsPublished = true;
                }
                await context.SaveChangesAsync(ct);
            }

            return await SummarizeAsync(db, lastBlog, ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            var lastBlog = 100;
            await using (var context = db.CreateContext())
            {
                await context.Posts.Where(p => p.BlogId <= lastBlog).ExecuteUpdateAsync(setters => setters.SetProperty(post => post.Views, post => post.Views + 1).SetProperty(post => post.IsPublished, true), ct);
            }

            return await SummarizeAsync(db, lastBlog, ct);
        }

        private static async Task<object?> SummarizeAsync(ProofDb db, int lastBlog, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            return new
            {
                Published = await context.Posts.CountAsync(p => p.BlogId <= lastBlog && p.IsPublished, ct),
                TotalViews = await context.Posts.SumAsync(p => (long)p.Views, ct),
            };
        }
    }
}
