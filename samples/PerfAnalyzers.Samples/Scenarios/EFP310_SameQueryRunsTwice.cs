using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP310: a report of the posts with over 100 views, their count and their rows. The bad variant keeps the query in an
    /// <c>IEnumerable&lt;Post&gt;</c> local (the shape of a repository that returns IEnumerable): <c>Count()</c> runs the
    /// whole query on the client to count it, then the <c>foreach</c> runs it again. The fix materializes it once.
    /// </summary>
    public sealed class EFP310_SameQueryRunsTwice : ProofScenario
    {
        public override string RuleId => "EFP310";

        public override string Title => "Count and rows of the posts with over 100 views";

        public override int Repetitions => 3;

        public override ProofMetric Improves => ProofMetric.RoundTrips | ProofMetric.RowsRead;

        public override Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            IEnumerable<Post> popular = context.Posts.AsNoTracking().Where(p => p.Views > 100).OrderBy(p => p.Id);
            var count = popular.Count();
            var rows = new List<PostRow>();
            foreach (var p in popular)
            {
                rows.Add(new PostRow(p.Id, p.Title, p.Views));
            }

            return Task.FromResult<object?>(new { count, rows });
        }

        public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            var popular = context.Posts.AsNoTracking().Where(p => p.Views > 100).OrderBy(p => p.Id).ToList();
            var count = popular.Count;
            var rows = new List<PostRow>();
            foreach (var p in popular)
            {
                rows.Add(new PostRow(p.Id, p.Title, p.Views));
            }

            return Task.FromResult<object?>(new { count, rows });
        }

        private sealed record PostRow(int Id, string Title, int Views);
    }
}
