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
    }
}
