using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Only the fixed variant, whose Include loads every navigation it reads, is a read-only query EFP302 can vouch for;
// tracking is not what this scenario shows.
#pragma warning disable EFP302
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP103: without lazy loading, blog.Posts and post.Author are empty/null unless the query includes them. The bad
    /// variant silently reports zero posts and no authors; the fixed one the real data.
    /// </summary>
    public sealed class EFP103_NavigationNotLoaded : ProofScenario
    {
        public override string RuleId => "EFP103";

        public override string Title => "Report of 1,000 blogs: posts and author";

        public override bool ExpectSameResult => false;

        // The fix costs more (it reads the posts and authors the report needs); what it buys is the right answer.
        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Where(b => !b.IsArchived)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            var report = new List<object>();
            foreach (var blog in blogs)
            {
                report.Add(new { blog.Id, Posts = blog.Posts.Count, Author = blog.Author?.Name });
            }

            return report;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs.Include(b => b.Posts).Include(b => b.Author)
                .Where(b => !b.IsArchived)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            var report = new List<object>();
            foreach (var blog in blogs)
            {
                report.Add(new { blog.Id, Posts = blog.Posts.Count, Author = blog.Author?.Name });
            }

            return report;
        }
    }
}
