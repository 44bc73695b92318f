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

                // Created on the first candidate read: most bodies have none (issue 14: a queue per body and rule showed in the
                // allocation samples of real builds).
                var reads = new Reads();
                block.RegisterOperationAction(
                    c =>
                    {
                        var read = (IPropertyReferenceOperation)c.Operation;
                        if (isCandidate(read))
                        {
                            reads.Add(read);
                        }
                    },
                    PropertyReferenceKind);
                block.RegisterOperationBlockEndAction(end =>
                {
                    if (reads.Items is { } items && NavigationAccess.MayTraceEntityIn(ef.Symbols, end.OperationBlocks))
                    {
                        analyze(end, items);
                    }
                });
            });
        }

        /// <summary>The candidate reads of one body, in the order the driver gave them.</summary>
        private sealed class Reads
        {
            public List<IPropertyReferenceOperation>? Items { get; private set; }

            public void Add(IPropertyReferenceOperation read)
            {
                lock (this)
                {
                    (Items ??= new List<IPropertyReferenceOperation>()).Add(read);
                }
            }
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
