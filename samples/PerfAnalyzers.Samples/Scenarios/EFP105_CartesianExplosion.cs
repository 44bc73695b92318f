using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP105: Include(Posts) and Include(Tags) in one SQL query return posts x tags rows per blog; split queries return posts + tags.</summary>
    public sealed class EFP105_CartesianExplosion : ProofScenario
    {
        public override string RuleId => "EFP105";

        public override string Title => "1,000 blogs with their posts and tags";

        public override ProofMetric Improves => ProofMetric.RowsRead | ProofMetric.ValuesRead;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Include(b => b.Posts)
                .Include(b => b.Tags)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(b => new { b.Id, Posts = b.Posts.Select(p => p.Id).OrderBy(id => id).ToList(), Tags = b.Tags.Select(t => t.Label).OrderBy(l => l).ToList() }).ToList();
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Include(b => b.Posts)
                .Include(b => b.Tags).AsSplitQuery()
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(b => new { b.Id, Posts = b.Posts.Select(p => p.Id).OrderBy(id => id).ToList(), Tags = b.Tags.Select(t => t.Label).OrderBy(l => l).ToList() }).ToList();
        }
    }
}
