using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// The freshly seeded database one variant runs on. Every context it creates is measured by the runner (SQL commands,
    /// rows and values read).
    /// </summary>
    public sealed class ProofDb
    {
        private readonly ProofDatabase database;
        private readonly string connectionString;

        internal ProofDb(ProofDatabase database, string connectionString)
        {
            this.database = database;
            this.connectionString = connectionString;
        }

        /// <summary>"SQLite" or "PostgreSQL".</summary>
        public string Provider => database.ProviderName;

        /// <summary>A new context without lazy loading. The caller disposes it.</summary>
        public SampleDbContext CreateContext() => new(Options<SampleDbContext>());

        /// <summary>A new context with lazy-loading proxies (same model and database). The caller disposes it.</summary>
        public LazySampleDbContext CreateLazyContext() => new(Options<LazySampleDbContext>());

        /// <summary>
        /// Configures a builder the way <see cref="CreateContext"/> does (provider, connection, the measuring interceptor):
        /// for scenarios that register the context in dependency injection themselves (EFP501).
        /// </summary>
        public void Configure(DbContextOptionsBuilder builder)
        {
            database.Configure(builder, connectionString);
            builder.AddInterceptors(ProofCommandInterceptor.Instance);
        }

        /// <summary>
        /// <see cref="Configure(DbContextOptionsBuilder)"/> with at most <paramref name="maxConnections"/> pooled connections
        /// (PostgreSQL's default of 100 per pool would exceed the server's default max_connections under a burst).
        /// </summary>
        public void Configure(DbContextOptionsBuilder builder, int maxConnections)
        {
            database.Configure(builder, database.WithMaxConnections(connectionString, maxConnections));
            builder.AddInterceptors(ProofCommandInterceptor.Instance);
        }

        /// <summary>
        /// Records the latency of each of a burst of concurrent requests (milliseconds from the burst's start to the
        /// request's end) and the burst's total time: the runner shows the 95th percentile and the throughput, and judges
        /// <see cref="ProofMetric.Latency"/> on them.
        /// </summary>
        public void ReportRequests(IReadOnlyCollection<double> latencies, double totalMilliseconds)
        {
            var sorted = latencies.OrderBy(l => l).ToList();
            P95Milliseconds = sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)];
            RequestsPerSecond = totalMilliseconds <= 0 ? null : sorted.Count * 1000.0 / totalMilliseconds;
        }

        internal double? P95Milliseconds { get; private set; }

        internal double? RequestsPerSecond { get; private set; }

        private DbContextOptions<TContext> Options<TContext>()
            where TContext : DbContext
        {
            var builder = new DbContextOptionsBuilder<TContext>();
            database.Configure(builder, connectionString);
            builder.AddInterceptors(ProofCommandInterceptor.Instance);
            return builder.Options;
        }

        internal SampleDbContext CreatePlainContext()
        {
            var builder = new DbContextOptionsBuilder<SampleDbContext>();
            database.Configure(builder, connectionString);
            return new SampleDbContext(builder.Options);
        }
    }
}
