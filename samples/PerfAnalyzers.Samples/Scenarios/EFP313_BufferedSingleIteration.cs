using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP313: word frequencies over the text of every post (10,000 posts, about 800 bytes each as .NET strings). The bad
    /// variant loads every post's text into a list and then visits each once; the fix streams the same query with
    /// <c>await foreach</c> over <c>AsAsyncEnumerable()</c>, so only the current row is held. The projection is not
    /// tracked, and the loop body does no database work and awaits nothing: exactly the shape the rule reports.
    /// </summary>
    public sealed class EFP313_BufferedSingleIteration : ProofScenario
    {
        public override string RuleId => "EFP313";

        public override string Title => "Word counts over the text of 10,000 posts (streamed)";

        public override int Repetitions => 3;

        public override ProofMetric Improves => ProofMetric.PeakMemory;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var counts = new Dictionary<string, int>();
            foreach (var post in await context.Posts.Select(p => new PostText(p.Id, p.Title, p.Content)).ToListAsync(ct))
            {
                Count(counts, post);
            }

            return Summary(counts);
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            var counts = new Dictionary<string, int>();

            // Exactly what the EFP313 fix writes.
            await foreach (var post in context.Posts.Select(p => new PostText(p.Id, p.Title, p.Content)).AsAsyncEnumerable().WithCancellation(ct))
            {
                Count(counts, post);
            }

            return Summary(counts);
        }

        private static void Count(Dictionary<string, int> counts, PostText post)
        {
            foreach (var word in post.Content.Split(' '))
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        private static object Summary(Dictionary<string, int> counts)
            => counts.OrderBy(c => c.Key, System.StringComparer.Ordinal).Select(c => new { Word = c.Key, c.Value }).ToList();

        private sealed record PostText(int Id, string Title, string Content);
    }
}
