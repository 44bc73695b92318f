namespace PerfAnalyzers.EfCore
{
    /// <summary>Seeding: entities whose data is seeded with <c>HasData</c> (fluent, any configuration style, or the snapshot).</summary>
    internal sealed partial class EfModel
    {
        /// <summary>True when the entity's data is seeded with <c>HasData</c>: a lookup table of known, small size.</summary>
        public bool IsSeeded(ITypeSymbol? entityType)
            => entityType is INamedTypeSymbol type && Scan().Seeded.Contains(type.OriginalDefinition);
    }
}
