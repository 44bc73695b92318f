namespace PerfAnalyzers.EfCore
{
    /// <summary>Tracking: <c>UseQueryTrackingBehavior(NoTracking)</c> in a context's options, <c>ChangeTracker.QueryTrackingBehavior = NoTracking</c>.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// The context's queries are no-tracking by default: <c>UseQueryTrackingBehavior(NoTracking)</c> (or
        /// NoTrackingWithIdentityResolution) in its configuration, or <c>ChangeTracker.QueryTrackingBehavior = NoTracking</c>
        /// on it. When such configuration exists but cannot be attributed to a context type, every context counts as no-tracking.
        /// </summary>
        public bool UsesNoTrackingByDefault(ITypeSymbol? contextType)
        {
            var scan = Scan();
            return IsConfigured(contextType, scan.NoTrackingContexts, scan.NoTrackingUnattributed);
        }

        /// <summary>A context-level setting: on for the context's hierarchy, for every context when unattributed, for any when the context is unknown.</summary>
        private bool IsConfigured(ITypeSymbol? contextType, HashSet<ITypeSymbol> contexts, bool unattributed)
        {
            if (unattributed)
            {
                return true;
            }

            if (contextType is not null && _ef.IsDbContext(contextType) && !SymbolEqualityComparer.Default.Equals(contextType.OriginalDefinition, _ef.DbContext))
            {
                return AnyInHierarchy(contextType, contexts);
            }

            return contexts.Count > 0;
        }
    }
}
