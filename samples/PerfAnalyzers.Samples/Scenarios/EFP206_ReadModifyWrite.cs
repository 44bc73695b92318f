using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP206: 50 requests arrive at once, each counts a view on the same post, each on its own context and connection (as
    /// 50 web requests do). The bad variant loads the post, increments <c>Views</c> and saves: a SELECT and an UPDATE that
    /// writes the value computed from what it read, so requests that read the same value overwrite each other's increment
    /// (a lost update; the requests all read before any saves, the order a burst of simultaneous requests runs in, made
    /// repeatable with a barrier). The fixed variant is the EFP206 fix, one <c>UPDATE ... SET Views = Views + 1</c> per request, which
    /// the database applies atomically: every view is counted, with half the round trips.
    /// </summary>
    public sealed class EFP206_ReadModifyWrite : ProofScenario
    {
        private const int Requests = 50;
        private const int PostId = 1;

        public override string RuleId => "EFP206";

        public override string Title => "50 concurrent requests count a view on one post";

        // The bad variant loses updates by design (how many depends on the timing of the race): the results differ.
        public override bool ExpectSameResult => false;

        public override ProofMetric Improves => ProofMetric.RoundTrips;

        public override bool ShowResults => true;

        public override string? NoteOn(string provider) => provider == "SQLite"
            ? "SQLite lets one connection write at a time (the others wait and retry), but every request reads before it "
              + "writes: requests that read the same value write the same result, and their increments are lost"
            : "PostgreSQL (READ COMMITTED): each UPDATE writes the value its request read; the fix's UPDATE SET \"Views\" = "
              + "\"Views\" + 1 locks the row and adds to the committed value";

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            var before = await ViewsAsync(db, ct);

            // The burst's timing, made repeatable: every request has read the post before any of them saves, as happens when
            // they arrive together (left to the thread scheduler, a loaded machine sometimes ran them one after another, and
            // then no update was lost).
            using var allHaveRead = new Barrier(Requests);

            // One request, as an action method would write it.
            async Task CountViewAsync()
            {
                await using var context = db.CreateContext();
                var post = await context.Posts.FirstAsync(p => p.Id == PostId, ct);
                allHaveRead.SignalAndWait(ct);
                post.Views++;
                await context.SaveChangesAsync(ct);
            }

            await RaceAsync(CountViewAsync);
            return new { Requests, ViewsCounted = await ViewsAsync(db, ct) - before };
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            var before = await ViewsAsync(db, ct);

            async Task CountViewAsync()
            {
                await using var context = db.CreateContext();

                // Exactly what the EFP206 fix writes.
                await context.Posts
                    .Where(p => p.Id == PostId)
                    .ExecuteUpdateAsync(setters => setters
                        .SetProperty(post => post.Views, post => post.Views + 1), ct);
            }

            await RaceAsync(CountViewAsync);
            return new { Requests, ViewsCounted = await ViewsAsync(db, ct) - before };
        }

        private static async Task<int> ViewsAsync(ProofDb db, CancellationToken ct)
        {
            await using var context = db.CreateContext();
            return await context.Posts.Where(p => p.Id == PostId).Select(p => p.Views).SingleAsync(ct);
        }

        /// <summary>
        /// Starts every request on its own thread and releases them together (Microsoft.Data.Sqlite's async methods complete
        /// synchronously, so tasks on one thread would never overlap).
        /// </summary>
        private static async Task RaceAsync(Func<Task> request)
        {
            using var start = new ManualResetEventSlim();
            var requests = Enumerable.Range(0, Requests)
                .Select(_ => Task.Factory.StartNew(
                    () =>
                    {
                        start.Wait();
                        return request();
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default).Unwrap())
                .ToArray();
            start.Set();
            await Task.WhenAll(requests);
        }
    }
}
