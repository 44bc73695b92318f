using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP305: a "title (views)" list of the first 2,000 published posts. The bad variant materializes whole tracked Post
    /// entities (Content included) to read two members; the fixed variant is the rule's fix: a Select of Title and Views
    /// inserted before ToListAsync. Same rows, same output; fewer values read, fewer bytes allocated.
    /// </summary>
    public sealed class EFP305_WholeEntityProjection : ProofScenario
    {
        public override string RuleId => "EFP305";

        public override string Title => "Title and views of 2,000 posts";

        public override int Repetitions => 5;

        public override ProofMetric Improves => ProofMetric.ValuesRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Take(2000).ToListAsync(ct);
            var lines = new List<string>();
            foreach (var post in posts)
            {
                lines.Add($"{post.Title} ({post.Views})");
            }

            return lines;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.Where(p => p.IsPublished).OrderBy(p => p.Id).Take(2000).Select(x => new { x.Title, x.Views }).ToListAsync(ct);
            var lines = new List<string>();
            foreach (var post in posts)
            {
                lines.Add($"{post.Title} ({post.Views})");
            }

            return lines;
        }
    }
}
