using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP304: "is there any post with more than N views?" for 100 thresholds over 10,000 posts (no index on Views).
    /// COUNT(*) visits every matching row; EXISTS stops at the first one. Same round trips and rows: the win is time.
    /// </summary>
    // The loop only repeats the measured check with different thresholds; EFP101 (query in a loop) is not what this shows.
#pragma warning disable EFP101
    public sealed class EFP304_CountInsteadOfAny : ProofScenario
    {
        public override string RuleId => "EFP304";

        public override string Title => "100 existence checks over 10,000 posts";

        public override int Repetitions => 5;

        public override ProofMetric Improves => ProofMetric.Time;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var answers = new List<bool>();
            for (var threshold = 0; threshold < 100; threshold++)
            {
                answers.Add(await context.Posts.CountAsync(p => p.Views > threshold, ct) > 0);
            }

            return answers;
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var answers = new List<bool>();
            for (var threshold = 0; threshold < 100; threshold++)
            {
                answers.Add(await context.Posts.AnyAsync(p => p.Views > threshold, ct));
            }

            return answers;
        }
    }
#pragma warning restore EFP101
}
