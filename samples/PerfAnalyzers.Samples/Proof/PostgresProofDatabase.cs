using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PerfAnalyzers.Samples.Model;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// PostgreSQL: the seed goes into a template database once; each variant gets <c>CREATE DATABASE ... TEMPLATE</c>
    /// (a file-level copy, fast) and the database is dropped afterwards. Database names carry a per-run id, so
    /// concurrent runs against the same server do not collide.
    /// </summary>
    internal sealed class PostgresProofDatabase : ProofDatabase
    {
        private readonly NpgsqlConnectionStringBuilder server;
        private readonly string maintenanceConnectionString;
        private readonly string runId = Guid.NewGuid().ToString("N").Substring(0, 8);
        private string? templateName;
        private int counter;

        public PostgresProofDatabase(string connectionString)
        {
            server = new NpgsqlConnectionStringBuilder(connectionString);
            maintenanceConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Database = string.IsNullOrEmpty(server.Database) ? "postgres" : server.Database,
                Pooling = false,
            }.ToString();
        }

        public override string ProviderName => "PostgreSQL";

        public override void Configure(DbContextOptionsBuilder builder, string connectionString) => builder.UseNpgsql(connectionString);

        public override string WithMaxConnections(string connectionString, int maxConnections)
            => new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxConnections }.ToString();

        public override async Task<SeedSummary> PrepareTemplateAsync(CancellationToken ct)
        {
            templateName = $"perfproof_{runId}_template";
            var connectionString = ConnectionStringFor(templateName);
            var options = new DbContextOptionsBuilder<SampleDbContext>();
            Configure(options, connectionString);
            SeedSummary summary;
            await using (var context = new SampleDbContext(options.Options))
            {
                await context.Database.EnsureDeletedAsync(ct);
                await context.Database.EnsureCreatedAsync(ct);
                summary = await SampleSeeder.SeedAsync(context, ct);
                await SampleSeeder.ResetIdentitySequencesAsync(context, ct);

                // Planner statistics, as a production database has them (autovacuum analyzes a table after a bulk load;
                // the CI cluster runs without autovacuum). Without them PostgreSQL guesses 0.5% of the rows per value of
                // an `= ANY(...)` list and may scan a 100,000-row table for 100 keys it could seek; CREATE DATABASE ...
                // TEMPLATE copies the statistics into every fresh database.
                await context.Database.ExecuteSqlRawAsync("ANALYZE", ct);
            }

            // A template must have no open connections when it is copied.
            using (var pooled = new NpgsqlConnection(connectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            return summary;
        }

        public override async Task<FreshDatabase> CreateFreshAsync(CancellationToken ct)
        {
            if (templateName is null)
            {
                throw new InvalidOperationException("PrepareTemplateAsync must run first.");
            }

            var name = $"perfproof_{runId}_{Interlocked.Increment(ref counter)}";
            // 55006: another session (an autovacuum worker, typically) is still connected to the template; it leaves on its own.
            await RetryAsync(() => ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{templateName}\"", ct), "55006", ct);
            var connectionString = ConnectionStringFor(name);

            // One pooled connection, opened before the clock starts, as a running application's pool holds one: a new
            // database's first backend spends tens of milliseconds loading its catalog caches, the same in both
            // variants, and that noise used to be larger than a query's gain.
            await using (var warm = new NpgsqlConnection(connectionString))
            {
                await warm.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_class", warm);
                await command.ExecuteScalarAsync(ct);
            }

            return new FreshDatabase(connectionString, () => DropAsync(name, connectionString));
        }

        public override async ValueTask DisposeAsync()
        {
            if (templateName is not null)
            {
                await DropAsync(templateName, ConnectionStringFor(templateName));
                templateName = null;
            }
        }

        private async ValueTask DropAsync(string name, string connectionString)
        {
            using (var pooled = new NpgsqlConnection(connectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            // WITH (FORCE) terminates other sessions, which a role without pg_signal_backend may not do to an autovacuum
            // worker (42501); such a worker finishes within seconds, so retry. Cleanup never fails the proof itself.
            try
            {
                await RetryAsync(() => ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None), "42501", CancellationToken.None);
            }
            catch (PostgresException e)
            {
                Console.Error.WriteLine($"warning: could not drop proof database {name}: {e.SqlState} {e.MessageText}");
            }
        }

        private static async Task RetryAsync(Func<Task> action, string retryableSqlState, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await action();
                    return;
                }
                catch (PostgresException e) when ((e.SqlState == retryableSqlState || e.SqlState == "55006") && attempt < 20)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)), ct);
                }
            }
        }

        private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = database,
        }.ToString();

        private async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(maintenanceConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
