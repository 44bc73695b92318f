namespace PerfAnalyzers.EfCore
{
    /// <summary>An index or alternate key of an entity: its columns in order, and whether it is unique.</summary>
    internal sealed class ModelIndex
    {
        public ModelIndex(ITypeSymbol entity, ImmutableArray<IPropertySymbol> properties, bool isUnique, bool isAlternateKey)
        {
            Entity = entity;
            Properties = properties;
            IsUnique = isUnique;
            IsAlternateKey = isAlternateKey;
        }

        public ITypeSymbol Entity { get; }

        public ImmutableArray<IPropertySymbol> Properties { get; }

        /// <summary>A unique index or an alternate key.</summary>
        public bool IsUnique { get; }

        public bool IsAlternateKey { get; }
    }

    /// <summary>Indexes and alternate keys: fluent <c>HasIndex(..)[.IsUnique()]</c>, <c>HasAlternateKey</c>, <c>[Index(.., IsUnique = ..)]</c>, the snapshot.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>The indexes and alternate keys declared for the entity or its base types (not its primary key).</summary>
        public IReadOnlyList<ModelIndex> GetIndexes(ITypeSymbol? entityType)
        {
            var result = new List<ModelIndex>();
            if (entityType is null)
            {
                return result;
            }

            var hierarchy = SelfAndBases(entityType).ToList();
            foreach (var index in Scan().Indexes)
            {
                if (hierarchy.Any(t => SymbolEqualityComparer.Default.Equals(t, index.Entity)))
                {
                    result.Add(index);
                }
            }

            foreach (var type in hierarchy)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (attribute.AttributeClass?.Name != "IndexAttribute" || attribute.ConstructorArguments.Length == 0)
                    {
                        continue;
                    }

                    // [Index(nameof(A), nameof(B), IsUnique = true)]: (string propertyName, params string[] additionalPropertyNames).
                    var builder = ImmutableArray.CreateBuilder<IPropertySymbol>();
                    var readable = true;
                    foreach (var argument in attribute.ConstructorArguments)
                    {
                        foreach (var value in argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArray.Create(argument))
                        {
                            if (value.Value is string name && FindProperty(type, name) is { } property)
                            {
                                builder.Add(property);
                            }
                            else
                            {
                                readable = false;
                            }
                        }
                    }

                    if (readable && builder.Count > 0)
                    {
                        var unique = attribute.NamedArguments.Any(n => n.Key == "IsUnique" && n.Value.Value is true);
                        result.Add(new ModelIndex(type, builder.ToImmutable(), unique, isAlternateKey: false));
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// The values of <paramref name="properties"/> identify at most one row: the primary key, an alternate key or a unique
        /// index has all its columns among them.
        /// </summary>
        public bool IsUniqueColumnSet(ITypeSymbol? entityType, IEnumerable<IPropertySymbol> properties)
        {
            var set = new HashSet<string>(properties.Select(p => p.Name));
            var key = FindKey(entityType);
            if (!key.IsEmpty && key.All(p => set.Contains(p.Name)))
            {
                return true;
            }

            return GetIndexes(entityType).Any(i => i.IsUnique && i.Properties.All(p => set.Contains(p.Name)));
        }

        /// <summary>An index, alternate key or the primary key of the entity starts with <paramref name="property"/> (a seek on it is possible).</summary>
        public bool HasIndexLeadingWith(ITypeSymbol? entityType, IPropertySymbol property)
        {
            var key = FindKey(entityType);
            if (!key.IsEmpty && key[0].Name == property.Name)
            {
                return true;
            }

            return GetIndexes(entityType).Any(i => i.Properties[0].Name == property.Name);
        }
    }
}
