using System;
using System.Collections.Generic;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>What one variant did: its measured costs, what it returned and what it left in the database.</summary>
    public sealed record ProofMeasurement(
        int RoundTrips,
        long RowsRead,
        long ValuesRead,
        double Milliseconds,
        long AllocatedBytes,
        string ResultJson,
        IReadOnlyList<TableSnapshot> Tables,
        string? Error)
    {
        public bool Failed => Error is not null;

        /// <summary>95th-percentile request latency, for scenarios that serve concurrent requests (<see cref="ProofMetric.Latency"/>).</summary>
        public double? P95Milliseconds { get; init; }

        /// <summary>
        /// The largest managed heap seen while the variant ran, minus the heap when it started (after a full collection):
        /// <see cref="GC.GetTotalMemory(bool)"/> sampled about every millisecond on a separate thread. It counts garbage not
        /// yet collected too, so it is what the process needed at its peak, not only what the variant kept reachable.
        /// </summary>
        public long PeakHeapBytes { get; init; }

        /// <summary>
        /// The largest heap left after a garbage collection that ran during the variant, minus the heap after the full
        /// collection before it: what the variant held reachable at once, without garbage (0 when no collection ran).
        /// </summary>
        public long PeakRetainedBytes { get; init; }

        /// <summary>Requests per second over the burst, for the same scenarios.</summary>
        public double? RequestsPerSecond { get; init; }
    }

    /// <summary>One scenario's bad and fixed variants side by side, and the verdict.</summary>
    public sealed record ProofResult(
        string RuleId,
        string Title,
        string Scenario,
        string Provider,
        ProofMetric Improves,
        bool ExpectSameResult,
        ProofMeasurement Bad,
        ProofMeasurement Fixed,
        bool SameResult,
        IReadOnlyList<string> Problems,
        bool Retired = false)
    {
        public bool Passed => Problems.Count == 0;

        /// <summary>Why the scenario was not run on this provider (<see cref="ProofScenario.NotApplicableOn"/>), or null.</summary>
        public string? NotApplicable { get; init; }

        /// <summary>What the bad variant was expected to throw (<see cref="ProofScenario.ExpectedBadFailure"/>), or null.</summary>
        public string? ExpectedBadFailure { get; init; }

        /// <summary>
        /// The rule saves round trips on providers that batch, but not on this one (<see cref="ProofScenario.ImprovesOn"/>):
        /// EF Core's SQLite provider sends one command per saved row, so the round trips stay the same.
        /// </summary>
        public bool ProviderDoesNotBatch { get; init; }

        /// <summary>The scenario's note for this provider (<see cref="ProofScenario.NoteOn"/>), or null.</summary>
        public string? Note { get; init; }

        /// <summary>Print what each variant returned (<see cref="ProofScenario.ShowResults"/>).</summary>
        public bool ShowResults { get; init; }
    }
}
