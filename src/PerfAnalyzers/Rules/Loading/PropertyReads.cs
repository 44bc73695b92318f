using System.Collections.Concurrent;

namespace PerfAnalyzers.Rules.Loading
{
    /// <summary>
    /// What EFP102/EFP103 (<see cref="NavigationLoadingAnalyzer"/>) and EFP107 (<see cref="ForeignKeyThroughNavigationAnalyzer"/>)
    /// share: both start from the property reads of a method body, collected per body and analysed together at its end, and
    /// group them by the variable the property is read from.
    /// </summary>
    internal static class PropertyReads
    {
        // One array for every block (the params overload copies its arguments into a new array per registration).
        private static readonly ImmutableArray<OperationKind> PropertyReferenceKind = ImmutableArray.Create(OperationKind.PropertyReference);

        /// <summary>
        /// Per method body, collects the property reads <paramref name="isCandidate"/> keeps and, when there are any, hands
        /// them to <paramref name="analyze"/> at the end of the body. A migration's or the model snapshot's schema code reads
        /// no entity (<see cref="SetupCode.IsMigrationMember"/>): nothing is collected there. A body with no query-typed
        /// operation has no entity to trace (<see cref="NavigationAccess.MayTraceEntityIn"/>): its reads are not analyzed.
        /// </summary>
        public static void RegisterPerBody(
            CompilationStartAnalysisContext start,
            EfCompilation ef,
            Func<IPropertyReferenceOperation, bool> isCandidate,
            Action<OperationBlockAnalysisContext, IEnumerable<IPropertyReferenceOperation>> analyze)
        {
            start.RegisterOperationBlockStartAction(block =>
            {
                if (ef.Setup.IsMigrationMember(block.OwningSymbol))
                {
                    return;
                }

                var reads = new ConcurrentQueue<IPropertyReferenceOperation>();
                block.RegisterOperationAction(
                    c =>
                    {
                        var read = (IPropertyReferenceOperation)c.Operation;
                        if (isCandidate(read))
                        {
                            reads.Enqueue(read);
                        }
                    },
                    PropertyReferenceKind);
                block.RegisterOperationBlockEndAction(end =>
                {
                    if (!reads.IsEmpty && NavigationAccess.MayTraceEntityIn(ef.Symbols, end.OperationBlocks))
                    {
                        analyze(end, reads);
                    }
                });
            });
        }

        /// <summary>The local or parameter a property is read from (<c>post</c> in <c>post.Blog</c>), or null.</summary>
        public static ISymbol? VariableOf(IPropertyReferenceOperation read) => read.Instance?.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
    }
}
