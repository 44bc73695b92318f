namespace PerfAnalyzers.EfCore
{
    /// <summary>Complex types: <c>ComplexProperty</c>/<c>ComplexCollection</c> (fluent or the snapshot) and <c>[ComplexType]</c>.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>A <c>[ComplexType]</c> type, or one configured with <c>ComplexProperty&lt;T&gt;</c>/<c>ComplexCollection&lt;T&gt;</c>.</summary>
        public bool IsComplexType(ITypeSymbol type)
            => HasAttribute(type, "ComplexTypeAttribute") || Scan().ComplexTypes.Contains(type.OriginalDefinition);

        /// <summary>The entity (or a base type) has complex properties configured fluently; the type that does, or null.</summary>
        public ITypeSymbol? FindComplexOwner(ITypeSymbol entity)
            => SelfAndBases(entity).FirstOrDefault(t => Scan().ComplexOwners.Contains(t));

        /// <summary>
        /// A property of the entity whose type is <c>[Owned]</c> or <c>[ComplexType]</c> (the attribute styles of owned and
        /// complex types), or null.
        /// </summary>
        public IPropertySymbol? FindOwnedOrComplexProperty(ITypeSymbol entity)
            => SelfAndBases(entity).SelectMany(t => t.GetMembers().OfType<IPropertySymbol>())
                .FirstOrDefault(p => p.Type is INamedTypeSymbol propertyType
                                     && propertyType.GetAttributes().Any(a => a.AttributeClass?.Name is "OwnedAttribute" or "ComplexTypeAttribute"));
    }
}
