using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;
using PerfAnalyzers.Samples.Proof;

namespace PerfAnalyzers.Samples.Scenarios
{
    /// <summary>
    /// EFP401: a burst of 200 concurrent "requests" served by 4 worker threads (a fixed-size scheduler standing for a
    /// small thread pool). Each request runs one query that spends 50 ms in the database (<c>pg_sleep</c> standing for
    /// a real query's execution and network time). The sync handler holds its worker for the whole wait, so the
    /// requests queue behind 4 threads; the async handler gives the worker back while PostgreSQL works.
    /// </summary>
    public sealed class EFP401_SyncCallInAsyncCode : ProofScenario
    {
        private const int Requests = 200;
        private const int Workers = 4;
        private const int MaxConnections = 50;
        private const double DatabaseSeconds = 0.05;

        public override string RuleId => "EFP401";

        public override string Title => "200 concurrent requests on 4 threads";

        // Median of two measured bursts; the verdict needs the fixed p95 at most half the bad one (in practice ~5-10x).
        public override int Repetitions => 2;

        public override ProofMetric Improves => ProofMetric.Latency;

        public override string? NotApplicableOn(string provider) => provider == "SQLite"
            ? "Microsoft.Data.Sqlite's async methods run synchronously (SQLite is in-process: there is no I/O to wait for), so an "
              + "awaited ToListAsync holds its thread exactly like ToList and there is no difference to show; run it on PostgreSQL"
            : null;

        public override async Task<object?> RunBadAsync(ProofDb db, CancellationToken ct)
        {
            return await ServeAsync(db, HandleAsync, ct);

            // The handler is async (it is an ASP.NET Core action), but its query call is the synchronous one.
            static async Task<int> HandleAsync(SampleDbContext context, int blogId, CancellationToken ct)
            {
                await Task.Yield();
                return context.Database
                    .SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM \"Posts\", pg_sleep({DatabaseSeconds}) WHERE \"BlogId\" = {blogId}")
                    .Single();
            }
        }

        public override async Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct)
        {
            return await ServeAsync(db, HandleAsync, ct);

            static async Task<int> HandleAsync(SampleDbContext context, int blogId, CancellationToken ct)
            {
                await Task.Yield();
                return await context.Database
                    .SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM \"Posts\", pg_sleep({DatabaseSeconds}) WHERE \"BlogId\" = {blogId}")
                    .SingleAsync(ct);
            }
        }

        /// <summary>
        /// Starts every request at once on a scheduler that runs at most <see cref="Workers"/> of them at a time (their
        /// continuations after an await come back to it too), records each request's latency from the burst's start,
        /// and returns what the requests answered.
        /// </summary>
        private static async Task<object?> ServeAsync(ProofDb db, Func<SampleDbContext, int, CancellationToken, Task<int>> handler, CancellationToken ct)
        {
            var builder = new DbContextOptionsBuilder<SampleDbContext>();
            db.Configure(builder, MaxConnections);
            var options = builder.Options;
            var workers = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Workers).ConcurrentScheduler;
            var latencies = new ConcurrentBag<double>();
            var clock = Stopwatch.StartNew();
            var requests = Enumerable.Range(0, Requests).Select(i => Task.Factory.StartNew(
                async () =>
                {
                    await using var context = new SampleDbContext(options);
                    var answer = await handler(context, (i % 1_000) + 1, ct);
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    return answer;
                },
                ct,
                TaskCreationOptions.None,
                workers).Unwrap()).ToList();
            var answers = await Task.WhenAll(requests);
            db.ReportRequests(latencies, clock.Elapsed.TotalMilliseconds);
            return new { Requests, PostsCounted = answers.Sum() };
        }
    }
}
