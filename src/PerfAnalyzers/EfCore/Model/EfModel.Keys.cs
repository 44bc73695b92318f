namespace PerfAnalyzers.EfCore
{
    /// <summary>Keys: fluent <c>HasKey</c>/<c>HasNoKey</c> (any configuration style), the snapshot, <c>[PrimaryKey]</c>, <c>[Key]</c>, <c>[Keyless]</c>, the Id conventions.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// The single primary-key property of an entity when the code shows it: <c>HasKey(x =&gt; x.P)</c> in fluent
        /// configuration, the snapshot's <c>HasKey("P")</c>, <c>[PrimaryKey(nameof(P))]</c>, one <c>[Key]</c> property, or the
        /// <c>Id</c>/<c>&lt;Type&gt;Id</c> convention. Null for composite keys, keyless entities, or when nothing is known.
        /// </summary>
        public IPropertySymbol? FindSingleKey(ITypeSymbol? entityType)
        {
            var key = FindKey(entityType);
            return key.Length == 1 ? key[0] : null;
        }

        /// <summary>
        /// The primary key's properties in order as far as the code shows them (empty when keyless or unknown). A fluent key
        /// whose properties cannot be read is reported as one null-free empty array, like an unknown key.
        /// </summary>
        public ImmutableArray<IPropertySymbol> FindKey(ITypeSymbol? entityType)
        {
            if (entityType is not INamedTypeSymbol type)
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            var scan = Scan();
            var definition = type.OriginalDefinition;
            if (scan.Keys.TryGetValue(definition, out var fluentKey))
            {
                return fluentKey;
            }

            if (scan.Keyless.Contains(definition) || HasAttribute(type, "KeylessAttribute"))
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            if (scan.SnapshotKeys.TryGetValue(definition, out var snapshotKey) && !snapshotKey.IsEmpty)
            {
                return snapshotKey;
            }

            var properties = AllProperties(type).ToList();
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "PrimaryKeyAttribute")
                {
                    // [PrimaryKey(nameof(A))] -> A; [PrimaryKey(nameof(A), nameof(B))] -> A, B.
                    var builder = ImmutableArray.CreateBuilder<IPropertySymbol>();
                    foreach (var argument in attribute.ConstructorArguments)
                    {
                        var names = argument.Kind == TypedConstantKind.Array ? argument.Values.Select(v => v.Value as string) : new[] { argument.Value as string };
                        foreach (var name in names)
                        {
                            if (properties.FirstOrDefault(p => p.Name == name) is not { } property)
                            {
                                return ImmutableArray<IPropertySymbol>.Empty;
                            }

                            builder.Add(property);
                        }
                    }

                    return builder.ToImmutable();
                }
            }

            var keyed = properties.Where(p => HasAttribute(p, "KeyAttribute")).ToList();
            if (keyed.Count == 1)
            {
                return ImmutableArray.Create(keyed[0]);
            }

            if (keyed.Count > 1)
            {
                // Composite [Key]s need a column order we do not read: the key is known to be composite, not which.
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            var conventional = properties.FirstOrDefault(p => string.Equals(p.Name, "Id", StringComparison.OrdinalIgnoreCase))
                               ?? properties.FirstOrDefault(p => string.Equals(p.Name, type.Name + "Id", StringComparison.OrdinalIgnoreCase));
            return conventional is null ? ImmutableArray<IPropertySymbol>.Empty : ImmutableArray.Create(conventional);
        }

        /// <summary>The entity is keyless (<c>HasNoKey</c>, <c>[Keyless]</c>).</summary>
        public bool IsKeyless(ITypeSymbol? entityType)
            => entityType is INamedTypeSymbol type && (Scan().Keyless.Contains(type.OriginalDefinition) || HasAttribute(type, "KeylessAttribute"));

        /// <summary>
        /// True when the entity's single primary key is an enum (<c>[Key] public SettingKey Key</c>): the table holds at
        /// most one row per enum member, a settings or lookup table whatever its other columns.
        /// </summary>
        public bool IsKeyedByEnum(ITypeSymbol? entityType)
            => FindSingleKey(entityType)?.Type is { TypeKind: TypeKind.Enum };
    }
}
