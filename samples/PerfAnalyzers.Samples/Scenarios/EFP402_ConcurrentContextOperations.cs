using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP402: a dashboard that counts the posts of 20 blogs "in parallel" on one context
    /// (<c>Task.WhenAll(ids.Select(async id => await context.Posts.CountAsync(...)))</c>) vs. the same counts awaited one
    /// after another. On a server database the second query starts while the first is still running and EF Core throws.
    /// </summary>
    public sealed class EFP402_ConcurrentContextOperations : ProofScenario
    {
        private static readonly int[] BlogIds = Enumerable.Range(1, 20).ToArray();

        public override string RuleId => "EFP402";

        public override string Title => "Post counts of 20 blogs via Task.WhenAll";

        public override string? ExpectedBadFailure => "A second operation was started on this context instance before a previous operation completed";

        public override ProofMetric Improves => ProofMetric.None;

        public override string? NotApplicableOn(string provider) => provider == "SQLite"
            ? "Microsoft.Data.Sqlite's async methods complete before they return, so the tasks never overlap and the bad code "
              + "happens to work on SQLite (a test suite on SQLite hides this bug); run it on PostgreSQL"
            : null;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var counts = await Task.WhenAll(BlogIds.Select(async id => await context.Posts.CountAsync(p => p.BlogId == id, ct)));
            return counts;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var counts = new int[BlogIds.Length];
            for (var i = 0; i < BlogIds.Length; i++)
            {
                var id = BlogIds[i];
#pragma warning disable EFP101 // 20 counts one after another is the point here; EFP101 would suggest one grouped query
                counts[i] = await context.Posts.CountAsync(p => p.BlogId == id, ct);
#pragma warning restore EFP101
            }

            return counts;
        }
    }
}
