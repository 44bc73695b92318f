using System;
using System.Linq;
using System.Threading.Tasks;
using PerfAnalyzers.Samples.Proof;
using Xunit;

namespace PerfAnalyzers.Tests.Proof
{
    /// <summary>The same proof on PostgreSQL, when <c>PERFANALYZERS_POSTGRES</c> holds a connection string (CI sets it).</summary>
    [Collection(ProofCollection.Name)]
    public sealed class PostgresProofTests
    {
        [PostgresFact]
        public async Task EveryScenarioHoldsOnPostgreSql()
        {
            var options = ProofRunOptions.FromEnvironment();
            Assert.NotNull(options.PostgresConnectionString);

            var results = await ProofRunner.RunAsync(options);

            Assert.Equal(ProofRunner.DiscoverScenarios().Count, results.Count);
            Assert.All(results, r => Assert.Equal("PostgreSQL", r.Provider));
            Assert.All(results, ProofRunnerTests.AssertScenarioHolds);

            // PostgreSQL batches the single SaveChanges: the EFP201 fix cuts the round trips to a handful.
            var inserts = results.Single(r => r.Scenario == nameof(PerfAnalyzers.Samples.Scenarios.EFP201_SaveChangesInLoop));
            Assert.True(inserts.Fixed.RoundTrips <= 10, $"EFP201 fixed variant used {inserts.Fixed.RoundTrips} round trips");
        }

        /// <summary>A fact that runs only when PostgreSQL is configured, and says how to configure it otherwise.</summary>
        private sealed class PostgresFactAttribute : FactAttribute
        {
            public PostgresFactAttribute()
            {
                if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ProofRunOptions.PostgresEnvironmentVariable)))
                {
                    Skip = $"Set {ProofRunOptions.PostgresEnvironmentVariable} to a PostgreSQL connection string " +
                        "(e.g. Host=127.0.0.1;Port=55432;Username=postgres;Password=...) to run the proof on PostgreSQL; see samples/README.md.";
                }
            }
        }
    }
}
