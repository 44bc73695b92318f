using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Both variants read only a few members of the posts they load: EFP305 (projection) is not what this scenario shows.
#pragma warning disable EFP305
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP107: the posts with over 100 views and the key of their blog. The bad variant includes Blog only to read
    /// post.Blog.Id: a join, and a blog materialized and tracked per row. The fix reads post.BlogId, which every post row
    /// holds, and the Include goes (EFP106 would report it next).
    /// </summary>
    public sealed class EFP107_ForeignKeyThroughNavigation : ProofScenario
    {
        public override string RuleId => "EFP107";

        public override string Title => "Blog keys of popular posts (Include only for Blog.Id)";

        public override int Repetitions => 3;

        public override ProofMetric Improves => ProofMetric.ValuesRead | ProofMetric.Allocations;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.Include(p => p.Blog).Where(p => p.Views > 100).OrderBy(p => p.Id).ToListAsync(ct);
            var result = new List<object>();
            foreach (var post in posts)
            {
                result.Add(new { post.Id, post.Title, BlogId = post.Blog.Id });
            }

            return result;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var posts = await context.Posts.Where(p => p.Views > 100).OrderBy(p => p.Id).ToListAsync(ct);
            var result = new List<object>();
            foreach (var post in posts)
            {
                result.Add(new { post.Id, post.Title, BlogId = post.BlogId });
            }

            return result;
        }
    }
}
