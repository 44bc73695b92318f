using Xunit;

namespace PerfAnalyzers.Tests.Proof
{
    /// <summary>
    /// The proof runs alone: it measures process-wide allocations, which other tests running in parallel would add to.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProofCollection
    {
        public const string Name = "Proof runner";
    }
}
