using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Both variants read only a few members of the entities they load: EFP305 (projection) is not what this scenario shows.
#pragma warning disable EFP305
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP106: the posts (with their content) are joined and transferred, then only blog names are used.</summary>
    public sealed class EFP106_UnusedInclude : ProofScenario
    {
        public override string RuleId => "EFP106";

        public override string Title => "Names of well-rated blogs (Include never read)";

        public override ProofMetric Improves => ProofMetric.RowsRead | ProofMetric.ValuesRead;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Include(b => b.Posts)
                .Where(b => b.Rating >= 3)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(b => new { b.Id, b.Name, b.Url }).ToList();
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var blogs = await context.Blogs
                .Where(b => b.Rating >= 3)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(b => new { b.Id, b.Name, b.Url }).ToList();
        }
    }
}
