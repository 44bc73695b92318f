namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Inheritance: fluent <c>HasDiscriminator</c>/<c>HasBaseType</c>/<c>Use{Tph,Tpt,Tpc}MappingStrategy</c>, the snapshot's
    /// discriminators and base types, and types declared in source that derive from an entity.
    /// </summary>
    internal sealed partial class EfModel
    {
        private SourceTypes? _sourceTypes;

        /// <summary>The entity or a base type is mapped with inheritance; the type that is, or null.</summary>
        public ITypeSymbol? FindInheritanceMapping(ITypeSymbol entity)
            => SelfAndBases(entity).FirstOrDefault(t => Scan().Inheritance.Contains(t));

        /// <summary>This very type (not a base) is configured with a discriminator, a base type or a mapping strategy.</summary>
        public bool IsMappedWithInheritance(ITypeSymbol type) => Scan().Inheritance.Contains(type.OriginalDefinition);

        /// <summary>Types declared in source derive from <paramref name="type"/> (an inheritance hierarchy when it is an entity).</summary>
        public bool HasDerivedTypes(INamedTypeSymbol type) => GetSourceTypes().BaseTypes.Contains(type.OriginalDefinition);

        /// <summary>The types declared in source (declaration table only, nothing bound), read once on the first inheritance or save-event question.</summary>
        private SourceTypes GetSourceTypes()
            => LazyInitializer.EnsureInitialized(ref _sourceTypes, () => SourceTypes.Create(_ef))!;
    }
}
