using System.Collections.Concurrent;

namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The loop-level answers of <see cref="LoopExemptions.Why"/> (batch loop, configured set, work queue, heavy work per
    /// pass), computed once per loop and compilation: they depend on the loop, not on which round trip in its body asks,
    /// and a loop body with ten repository calls used to walk its source and body ten times per rule.
    /// </summary>
    internal sealed class LoopFacts
    {
        private const int Unknown = 0;
        private const int No = 1;
        private const int Yes = 2;

        private int _batch;
        private int _configured;
        private int _workQueue;
        private int _heavy;
        private int _errorPath;

        /// <summary>The facts of <paramref name="loop"/> in <paramref name="ef"/>'s compilation (keyed by the loop's syntax).</summary>
        public static LoopFacts Of(EfCompilation ef, EnclosingLoop loop) => ef.LoopFacts.GetOrAdd(loop.Loop.Syntax, _ => new LoopFacts());

        public bool IsBatchLoop(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken)
            => Get(ref _batch, () => LoopExemptions.IsBatchLoop(ef, loop, cancellationToken));

        public bool IsConfiguredSet(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken)
            => Get(ref _configured, () => ConfiguredSets.IsConfiguredSet(ef, loop, cancellationToken));

        public bool IsWorkQueue(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken)
            => Get(ref _workQueue, () => WorkQueues.IsWorkQueue(ef, loop, cancellationToken));

        public bool HasHeavyWork(EfCompilation ef, EnclosingLoop loop, CancellationToken cancellationToken)
            => Get(ref _heavy, () => ef.HeavyWork.InLoop(loop, cancellationToken));

        public bool RunsOnlyWhileHandlingErrors(EnclosingLoop loop, CancellationToken cancellationToken)
            => Get(ref _errorPath, () => ErrorPaths.RunsOnlyWhileHandlingErrors(loop, cancellationToken));

        // A cancelled computation throws before it stores anything, so a later caller computes it again.
        private static bool Get(ref int slot, Func<bool> compute)
        {
            var known = Volatile.Read(ref slot);
            if (known != Unknown)
            {
                return known == Yes;
            }

            var value = compute();
            Volatile.Write(ref slot, value ? Yes : No);
            return value;
        }
    }
}
