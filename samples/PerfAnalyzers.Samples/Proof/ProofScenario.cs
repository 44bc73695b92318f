using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>
    /// One rule's proof: the code the rule flags (<see cref="RunBadAsync"/>) and the same job written the way the rule's
    /// fix writes it (<see cref="RunFixedAsync"/>). The runner finds every non-abstract subclass by reflection, runs each
    /// variant on a freshly seeded database, measures it and compares what both variants return and leave behind.
    /// </summary>
    public abstract class ProofScenario
    {
        /// <summary>The rule the bad variant triggers, e.g. "EFP201".</summary>
        public abstract string RuleId { get; }

        /// <summary>A short description of the job, for the table.</summary>
        public abstract string Title { get; }

        /// <summary>False only where the bad code is a silent data bug (EFP103): then the results must differ.</summary>
        public virtual bool ExpectSameResult => true;

        /// <summary>
        /// <see cref="ExpectSameResult"/> on one provider, for silent data bugs that depend on the database's plan (EFP312:
        /// PostgreSQL's top-N sort returns ties in a different order for each page, SQLite returns them in the order it reads
        /// them). A scenario that expects a different result anywhere is a correctness scenario: it needs no cost improvement.
        /// </summary>
        public virtual bool ExpectSameResultOn(string provider) => ExpectSameResult;

        /// <summary>A note printed under the scenario's row on a provider (why it behaves as it does there), or null.</summary>
        public virtual string? NoteOn(string provider) => null;

        /// <summary>True to print what each variant returned under its row (a small summary, e.g. rows repeated and missing).</summary>
        public virtual bool ShowResults => false;

        /// <summary>How many measured runs per variant (after one warm-up run); the table shows the median.</summary>
        public virtual int Repetitions => 1;

        /// <summary>
        /// True for a retired rule (off by default, its ID never reused): the scenario stays to show the measured
        /// numbers, but the fixed variant is not required to improve anything (<see cref="Improves"/> may be None).
        /// </summary>
        public virtual bool Retired => false;

        /// <summary>What the fixed variant must improve over the bad one (every flag is checked).</summary>
        public virtual ProofMetric Improves => ProofMetric.RoundTrips;

        /// <summary>
        /// What the fixed variant must improve on one provider (<see cref="ProofDb.Provider"/>: "SQLite" or
        /// "PostgreSQL"), for wins that depend on the provider (EF Core's SQLite provider sends one command per saved
        /// row, PostgreSQL batches them). Defaults to <see cref="Improves"/>.
        /// </summary>
        public virtual ProofMetric ImprovesOn(string provider) => Improves;

        /// <summary>
        /// Why this scenario cannot show anything on a provider (null: it runs). The runner then reports the reason
        /// instead of running it: e.g. Microsoft.Data.Sqlite's async methods complete synchronously, so async-only effects
        /// (EFP401, EFP402) do not exist on SQLite.
        /// </summary>
        public virtual string? NotApplicableOn(string provider) => null;

        /// <summary>
        /// For correctness rules whose bad code fails at run time (EFP402): text the bad variant's exception message must
        /// contain. The bad variant must then throw it and the fixed variant must succeed; nothing else is compared.
        /// </summary>
        public virtual string? ExpectedBadFailure => null;

        /// <summary>
        /// Runs the flagged code on a freshly seeded database. Return the observable result (a list of DTOs or
        /// scalars, not entities): the runner serializes it to JSON and also snapshots every table afterwards.
        /// </summary>
        public abstract Task<object?> RunBadAsync(ProofDb db, CancellationToken ct);

        /// <summary>Runs the code as the rule's fix leaves it, on its own freshly seeded database.</summary>
        public abstract Task<object?> RunFixedAsync(ProofDb db, CancellationToken ct);
    }
}
