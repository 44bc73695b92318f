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
