using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP306: page 3 of the well-rated blogs. Without ORDER BY the database returns rows in whatever order its plan
    /// produces: here the plan walks the index on Rating, so "page 3" is a page of the Rating index, not of the blogs
    /// by key, and it would change again with another plan, provider or data volume. The fix (order by the key) returns
    /// the page the code means, every time. The bad variant's answer differs: that is the bug this rule prevents.
    /// </summary>
    public sealed class EFP306_PagingWithoutOrderBy : ProofScenario
    {
        public override string RuleId => "EFP306";

        public override string Title => "Page 3 of well-rated blogs (plan order vs key order)";

        public override bool ExpectSameResult => false;

        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            return await context.Blogs.AsNoTracking()
                .Where(b => b.Rating >= 3)
                .Skip(40)
                .Take(20)
                .Select(b => new { b.Id, b.Name, b.Rating })
                .ToListAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            return await context.Blogs.AsNoTracking()
                .Where(b => b.Rating >= 3)
                .OrderBy(b => b.Id)
                .Skip(40)
                .Take(20)
                .Select(b => new { b.Id, b.Name, b.Rating })
                .ToListAsync(ct);
        }
    }
}
