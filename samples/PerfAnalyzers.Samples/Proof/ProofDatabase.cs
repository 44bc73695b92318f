using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// A database server the proof runs on. It seeds one template database once, and hands every variant its own fresh
    /// copy of it (SQLite: an online backup into a new shared-cache in-memory database; PostgreSQL:
    /// <c>CREATE DATABASE ... TEMPLATE</c>).
    /// </summary>
    internal abstract class ProofDatabase : IAsyncDisposable
    {
        public abstract string ProviderName { get; }

        public abstract void Configure(DbContextOptionsBuilder builder, string connectionString);

        /// <summary>The connection string with a cap on pooled connections (providers without a pool return it unchanged).</summary>
        public virtual string WithMaxConnections(string connectionString, int maxConnections) => connectionString;

        /// <summary>Creates the schema and the seed data once.</summary>
        public abstract Task<SeedSummary> PrepareTemplateAsync(CancellationToken ct);

        /// <summary>A new database holding exactly the seed data; disposing it deletes it.</summary>
        public abstract Task<FreshDatabase> CreateFreshAsync(CancellationToken ct);

        public abstract ValueTask DisposeAsync();

        public static ProofDatabase Create(string? postgresConnectionString) =>
            string.IsNullOrWhiteSpace(postgresConnectionString)
                ? new SqliteProofDatabase()
                : new PostgresProofDatabase(postgresConnectionString!);
    }

    /// <summary>One variant's database.</summary>
    internal sealed class FreshDatabase : IAsyncDisposable
    {
        private readonly Func<ValueTask> drop;

        public FreshDatabase(string connectionString, Func<ValueTask> drop)
        {
            ConnectionString = connectionString;
            this.drop = drop;
        }

        public string ConnectionString { get; }

        public ValueTask DisposeAsync() => drop();
    }
}
