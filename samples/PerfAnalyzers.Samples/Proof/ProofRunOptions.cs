using System;
using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>How to run the proof.</summary>
    public sealed class ProofRunOptions
    {
        /// <summary>The environment variable holding a PostgreSQL connection string; unset means SQLite in memory.</summary>
        public const string PostgresEnvironmentVariable = "PERFANALYZERS_POSTGRES";

        /// <summary>Only scenarios of these rule IDs (case-insensitive); empty means all.</summary>
        public IReadOnlyCollection<string> Rules { get; init; } = Array.Empty<string>();

        /// <summary>The scenarios to run; null means every scenario in this assembly (<see cref="ProofRunner.DiscoverScenarios"/>).</summary>
        public IReadOnlyList<ProofScenario>? Scenarios { get; init; }

        /// <summary>PostgreSQL connection string (the server; databases are created per variant). Null: SQLite in memory.</summary>
        public string? PostgresConnectionString { get; init; }

        /// <summary>Run each variant once, unmeasured, before measuring it (JIT, EF Core's query and model caches).</summary>
        public bool WarmUp { get; init; } = true;

        /// <summary>Progress messages.</summary>
        public Action<string>? Log { get; init; }

        /// <summary>Options for the environment: PostgreSQL when <see cref="PostgresEnvironmentVariable"/> is set.</summary>
        public static ProofRunOptions FromEnvironment() => new()
        {
            PostgresConnectionString = Environment.GetEnvironmentVariable(PostgresEnvironmentVariable) is { Length: > 0 } cs ? cs : null,
        };
    }
}
