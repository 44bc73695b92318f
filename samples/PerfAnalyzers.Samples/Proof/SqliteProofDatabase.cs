using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// SQLite in-memory databases (<c>Mode=Memory;Cache=Shared</c>): a named database lives while one connection to it is
    /// open, so each database keeps a "keeper" connection open and every context opens its own connection to it.
    /// </summary>
    internal sealed class SqliteProofDatabase : ProofDatabase
    {
        private readonly string runId = Guid.NewGuid().ToString("N").Substring(0, 8);
        private SqliteConnection? template;
        private int counter;

        public override string ProviderName => "SQLite";

        public override void Configure(DbContextOptionsBuilder builder, string connectionString) => builder.UseSqlite(connectionString);

        public override async Task<SeedSummary> PrepareTemplateAsync(CancellationToken ct)
        {
            var connectionString = ConnectionStringFor($"perfproof-{runId}-template");
            template = new SqliteConnection(connectionString);
            await template.OpenAsync(ct);
            var options = new DbContextOptionsBuilder<SampleDbContext>();
            Configure(options, connectionString);
            await using var context = new SampleDbContext(options.Options);
            await context.Database.EnsureCreatedAsync(ct);
            return await SampleSeeder.SeedAsync(context, ct);
        }

        public override async Task<FreshDatabase> CreateFreshAsync(CancellationToken ct)
        {
            if (template is null)
            {
                throw new InvalidOperationException("PrepareTemplateAsync must run first.");
            }

            var connectionString = ConnectionStringFor($"perfproof-{runId}-{Interlocked.Increment(ref counter)}");
            var keeper = new SqliteConnection(connectionString);
            await keeper.OpenAsync(ct);
            template.BackupDatabase(keeper);
            return new FreshDatabase(connectionString, () =>
            {
                // Pooled connections would keep the in-memory database alive: clear them, then close the keeper.
                SqliteConnection.ClearPool(keeper);
                keeper.Dispose();
                return default;
            });
        }

        public override ValueTask DisposeAsync()
        {
            if (template is not null)
            {
                SqliteConnection.ClearPool(template);
                template.Dispose();
                template = null;
            }

            return default;
        }

        private static string ConnectionStringFor(string name) => new SqliteConnectionStringBuilder
        {
            DataSource = name,
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
        }.ToString();
    }
}
