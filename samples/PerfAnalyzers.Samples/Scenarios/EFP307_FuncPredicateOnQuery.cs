using System;
using System.Linq;
using System.Linq.Expressions;
using System.Threading;
using System.Threading.Tasks;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

// Both variants read only a few members of the entities they load: EFP305 (projection) is not what this scenario shows.
#pragma warning disable EFP305
namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP307: the popular published posts (views above a threshold) through a reusable predicate. As a Func it binds
    /// Enumerable.Where: all 10,000 posts are read and tracked, then filtered in memory. As an Expression (the fix) the
    /// filter is SQL.
    /// </summary>
    public sealed class EFP307_FuncPredicateOnQuery : ProofScenario
    {
        private const int MinViews = 9_500;

        public override string RuleId => "EFP307";

        public override string Title => "Popular posts through a reusable predicate";

        public override ProofMetric Improves => ProofMetric.RowsRead | ProofMetric.Allocations;

        public override Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            Func<Post, bool> popular = p => p.IsPublished && p.Views > MinViews;
            var posts = context.Posts.Where(popular).ToList();
            return Task.FromResult<object?>(posts.OrderBy(p => p.Id).Select(p => new { p.Id, p.Title, p.Views }).ToList());
        }

        public override Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            using var context = db.CreateContext();
            Expression<Func<Post, bool>> popular = p => p.IsPublished && p.Views > MinViews;
            var posts = context.Posts.Where(popular).ToList();
            return Task.FromResult<object?>(posts.OrderBy(p => p.Id).Select(p => new { p.Id, p.Title, p.Views }).ToList());
        }
    }
}
