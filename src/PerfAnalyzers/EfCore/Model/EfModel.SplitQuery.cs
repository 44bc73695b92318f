namespace PerfAnalyzers.EfCore
{
    /// <summary>Split queries: <c>UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)</c> in a context's options.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>The context configures <c>UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)</c> (or, when unknown, any context does).</summary>
        public bool UsesSplitQueries(ITypeSymbol? contextType)
        {
            var scan = Scan();
            return IsConfigured(contextType, scan.SplitContexts, scan.SplitUnattributed);
        }
    }
}
