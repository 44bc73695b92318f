namespace PerfAnalyzers.Rules.Suppressions
{
    /// <summary>
    /// EFPS001-005: suppresses the general analyzers' "call the Async overload in async code" advice (CA1849, MA0042,
    /// S6966, VSTHRD103, SS033) when it targets EF Core's <c>DbSet.Add/AddRange</c> or <c>DbContext.Add/AddRange</c>. EF Core's docs:
    /// AddAsync is only for value generators that need the database (HiLo); Add never does I/O otherwise.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AddAsyncAdviceSuppressor : DiagnosticSuppressor
    {
        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(
            Descriptors.EFPS001_AddAsyncAdviceCA1849,
            Descriptors.EFPS002_AddAsyncAdviceMA0042,
            Descriptors.EFPS003_AddAsyncAdviceS6966,
            Descriptors.EFPS004_AddAsyncAdviceVSTHRD103,
            Descriptors.EFPS005_AddAsyncAdviceSS033);

        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            var symbols = EfSymbols.TryCreate(context.Compilation);
            if (symbols is null)
            {
                return;
            }

            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                var descriptor = Find(diagnostic.Id);
                if (descriptor is null || !diagnostic.Location.IsInSource || diagnostic.Location.SourceTree is not { } tree)
                {
                    continue;
                }

                var root = tree.GetRoot(context.CancellationToken);
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (invocation is null)
                {
                    continue;
                }

                var model = context.GetSemanticModel(tree);
                if (model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is IMethodSymbol method && IsEfAdd(symbols, method))
                {
                    context.ReportSuppression(Suppression.Create(descriptor, diagnostic));
                }
            }
        }

        private SuppressionDescriptor? Find(string id)
        {
            foreach (var descriptor in SupportedSuppressions)
            {
                if (descriptor.SuppressedDiagnosticId == id)
                {
                    return descriptor;
                }
            }

            return null;
        }

        /// <summary>DbSet&lt;T&gt;.Add/AddRange or DbContext.Add/AddRange (also generic Add&lt;T&gt; and derived contexts).</summary>
        internal static bool IsEfAdd(EfSymbols symbols, IMethodSymbol method)
            => TrackerCall.Is(symbols, method, out var kind, out _) && kind == TrackerKind.Add && !method.Name.EndsWith("Async", StringComparison.Ordinal);
    }
}
