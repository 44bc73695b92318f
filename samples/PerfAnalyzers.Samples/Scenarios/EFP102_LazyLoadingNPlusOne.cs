using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

// Lazy loading needs tracked proxies: the N+1 this scenario shows exists only on a tracking query, so EFP302 (AsNoTracking) does not apply.
#pragma warning disable EFP302
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>EFP102: with lazy-loading proxies on, reading blog.Posts per blog runs one query per blog.</summary>
    public sealed class EFP102_LazyLoadingNPlusOne : ProofScenario
    {
        public override string RuleId => "EFP102";

        public override string Title => "Post count of 1,000 blogs (lazy loading)";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateLazyContext();
            var blogs = await context.Blogs
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(blog => new { blog.Id, Posts = blog.Posts.Count, Views = blog.Posts.Sum(p => p.Views) }).ToList();
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateLazyContext();
            var blogs = await context.Blogs.Include(b => b.Posts)
                .OrderBy(b => b.Id)
                .ToListAsync(ct);

            return blogs.Select(blog => new { blog.Id, Posts = blog.Posts.Count, Views = blog.Posts.Sum(p => p.Views) }).ToList();
        }
    }
}
