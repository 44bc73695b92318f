using System;

namespace PerfAnalyzers.Samples.Proof
{
    /// <summary>What a scenario's fixed variant must use less of than its bad variant.</summary>
    [Flags]
    public enum ProofMetric
    {
        None = 0,

        /// <summary>SQL commands sent to the database.</summary>
        RoundTrips = 1,

        /// <summary>Rows read from data readers.</summary>
        RowsRead = 2,

        /// <summary>Values (rows x columns) read from data readers.</summary>
        ValuesRead = 4,

        /// <summary>Bytes allocated by the process while the variant ran.</summary>
        Allocations = 8,

        /// <summary>Wall-clock time of the variant (median of the measured runs): for wins that stay inside the database (COUNT vs EXISTS).</summary>
        Time = 16,

        /// <summary>
        /// The 95th-percentile latency of the concurrent requests the scenario reports through
        /// <see cref="ProofDb.ReportRequests"/>: the fixed variant's must be at most half the bad variant's (a 2x margin,
        /// so a loaded machine does not make the verdict flaky).
        /// </summary>
        Latency = 32,

        /// <summary>
        /// The peak of the managed heap while the variant ran, above the heap it started from
        /// (<see cref="ProofMeasurement.PeakHeapBytes"/>): for fixes that hold fewer objects at once (streaming instead of buffering).
        /// </summary>
        PeakMemory = 64,
    }
}
