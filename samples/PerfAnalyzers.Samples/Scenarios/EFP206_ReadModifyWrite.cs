using System;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP206: 50 requests arrive at once, each counts a view on the same post, each on its own context and connection (as
    /// 50 web requests do). The bad variant loads the post, increments <c>Views</c> and saves: a SELECT and an UPDATE that
    /// writes the value computed from what it read, so requests that read the same value overwrite each other's increment
    /// (a lost update; the requests all read before any saves, the order a burst of simultaneous requests runs in, made
    /// repeatable with a gate the requests await). The fixed variant is the EFP206 fix, one <c>UPDATE ... SET Views = Views + 1</c> per request, which
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
            // then no update was lost). The gate is a command interceptor, so the request's code stays as written; it is
            // awaited, not waited on (blocked pool threads starved Npgsql's continuations in CI).
            var gate = new AllReadBeforeSave(Requests);

            // One request, as an action method would write it.
            async Task CountViewAsync()
            {
                await using var context = CreateContext(db, gate);
                var post = await context.Posts.FirstAsync(p => p.Id == PostId, ct);
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

        private static SampleDbContext CreateContext(ProofDb db, AllReadBeforeSave gate)
        {
            var builder = new DbContextOptionsBuilder<SampleDbContext>();
            db.Configure(builder);
            builder.AddInterceptors(gate);
            return new SampleDbContext(builder.Options);
        }

        /// <summary>
        /// Holds each request's UPDATE until every request's SELECT has run (a command interceptor, which the EFP206 fix's
        /// ExecuteUpdate would go through too, so the rule still sees nothing the fix bypasses).
        /// </summary>
        private sealed class AllReadBeforeSave : DbCommandInterceptor
        {
            private readonly int requests;
            private readonly TaskCompletionSource allHaveRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private int reads;

            public AllReadBeforeSave(int requests) => this.requests = requests;

            public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
            {
                if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && Interlocked.Increment(ref reads) == requests)
                {
                    allHaveRead.TrySetResult();
                }

                return new ValueTask<DbDataReader>(result);
            }

            public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                await UntilAllHaveReadAsync(command, cancellationToken);
                return result;
            }

            public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                await UntilAllHaveReadAsync(command, cancellationToken);
                return result;
            }

            // A request that failed before its SELECT leaves the others to time out here, not to hang the proof.
            private Task UntilAllHaveReadAsync(DbCommand command, CancellationToken cancellationToken)
                => command.CommandText.Contains("UPDATE", StringComparison.OrdinalIgnoreCase)
                    ? allHaveRead.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
                    : Task.CompletedTask;
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
