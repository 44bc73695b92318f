namespace PerfAnalyzers.EfCore
{
    /// <summary>Query filters: <c>HasQueryFilter</c> on an entity, or <c>SetQueryFilter</c>/<c>Entity(clrType).HasQueryFilter</c> in a loop over the model.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>A query filter (HasQueryFilter) applies to the entity, or to every entity (a loop over the model).</summary>
        public bool HasQueryFilter(ITypeSymbol entity)
        {
            var scan = Scan();
            return scan.QueryFilterOnAll || SelfAndBases(entity).Any(t => scan.QueryFilters.Contains(t));
        }
    }
}
