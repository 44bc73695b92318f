using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

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
            IEnumerable<PostRow> popular = context.Posts
                .Where(p => p.Views > 100)
                .OrderBy(p => p.Id)
                .Select(p => new PostRow(p.Id, p.Title, p.Views));
            var count = popular.Count();
            var views = 0L;
            var rows = new List<PostRow>();
            foreach (var row in popular)
            {
                views += row.Views;
                rows.Add(row);
            }

            return Task.FromResult<object?>(new { count, views, rows });
        }

        public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            var popular = context.Posts
                .Where(p => p.Views > 100)
                .OrderBy(p => p.Id)
                .Select(p => new PostRow(p.Id, p.Title, p.Views))
                .ToList();
            var count = popular.Count;
            var views = 0L;
            var rows = new List<PostRow>();
            foreach (var row in popular)
            {
                views += row.Views;
                rows.Add(row);
            }

            return Task.FromResult<object?>(new { count, views, rows });
        }

        private sealed record PostRow(int Id, string Title, int Views);
    }
}
