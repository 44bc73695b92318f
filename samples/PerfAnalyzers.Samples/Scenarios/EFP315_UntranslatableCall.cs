using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP315: the posts of the last week before the newest post, filtered by a C# helper
    /// (<c>Where(p =&gt; IsInWeekBefore(p.PublishedAt, newest))</c>). EF Core cannot see into the helper, so the query
    /// throws "could not be translated" every time it runs. The fix computes the bounds once, on the client, and
    /// compares the column with them: the same rows, filtered by the database.
    /// </summary>
    public sealed class EFP315_UntranslatableCall : ProofScenario
    {
        public override string RuleId => "EFP315";

        public override string Title => "Posts of the week before the newest post (C# helper in Where)";

        public override string? ExpectedBadFailure => "could not be translated";

        public override ProofMetric Improves => ProofMetric.None;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var newest = await context.Posts.MaxAsync(p => p.PublishedAt, ct);
            return await context.Posts
                .Where(p => IsInWeekBefore(p.PublishedAt, newest))
                .OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.Title })
                .ToListAsync(ct);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var newest = await context.Posts.MaxAsync(p => p.PublishedAt, ct);
            var from = newest.AddDays(-7);
            return await context.Posts
                .Where(p => p.PublishedAt > from && p.PublishedAt <= newest)
                .OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.Title })
                .ToListAsync(ct);
        }

        private static bool IsInWeekBefore(DateTime when, DateTime day) => when > day.AddDays(-7) && when <= day;
    }
}
