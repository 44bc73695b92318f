namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// Which columns identify one row (EFP312): the primary key (composite too), alternate keys and unique indexes, all
    /// from the one model scan (<see cref="EfModel"/>), plus what ASP.NET Core Identity configures in its own package.
    /// </summary>
    internal sealed class ModelUniqueness
    {
        private readonly EfModel _model;

        public ModelUniqueness(EfModel model) => _model = model;

        /// <summary>The primary-key properties; empty when the entity is keyless or its key is not known from the source.</summary>
        public ImmutableArray<IPropertySymbol> PrimaryKey(ITypeSymbol? entityType)
        {
            if (entityType is not INamedTypeSymbol type)
            {
                return ImmutableArray<IPropertySymbol>.Empty;
            }

            // A key configured on a base type is the derived entity's key too.
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
            {
                var key = _model.FindKey(t);
                if (!key.IsEmpty)
                {
                    return key;
                }

                if (_model.IsKeyless(t))
                {
                    break;
                }
            }

            return ImmutableArray<IPropertySymbol>.Empty;
        }

        /// <summary>
        /// Every set of columns whose values, taken together, identify one row: the primary key first, then alternate keys
        /// and unique indexes. Empty when the primary key is not known: the caller cannot tell what is unique.
        /// </summary>
        public ImmutableArray<ImmutableArray<IPropertySymbol>> UniqueColumnSets(ITypeSymbol? entityType)
        {
            var key = PrimaryKey(entityType);
            if (key.IsEmpty || entityType is not INamedTypeSymbol type)
            {
                return ImmutableArray<ImmutableArray<IPropertySymbol>>.Empty;
            }

            var sets = ImmutableArray.CreateBuilder<ImmutableArray<IPropertySymbol>>();
            sets.Add(key);
            foreach (var t in EfSymbols.SelfAndBaseTypes(type))
            {
                sets.AddRange(_model.GetIndexes(t).Where(i => i.IsUnique || i.IsAlternateKey).Select(i => i.Properties));
                sets.AddRange(IdentityUniqueColumns(t).Select(c => ImmutableArray.Create(c)));
            }

            return sets.ToImmutable();
        }

        /// <summary>True when <paramref name="columns"/> include every column of some unique set of the entity.</summary>
        public bool IsUnique(ITypeSymbol? entityType, IEnumerable<IPropertySymbol> columns)
        {
            var names = new HashSet<string>(columns.Select(c => c.Name));
            return UniqueColumnSets(entityType).Any(unique => unique.All(c => names.Contains(c.Name)));
        }

        /// <summary>
        /// ASP.NET Core Identity configures its model in a package (<c>IdentityDbContext.OnModelCreating</c>), out of the
        /// source's sight: a unique index on <c>NormalizedUserName</c> (users) and <c>NormalizedName</c> (roles), which
        /// makes <c>UserName</c> and <c>Name</c> unique too (the normalized value is computed from them on every save).
        /// </summary>
        private static IEnumerable<IPropertySymbol> IdentityUniqueColumns(INamedTypeSymbol type)
        {
            var definition = type.OriginalDefinition;
            if (definition.ContainingNamespace?.ToDisplayString() != "Microsoft.AspNetCore.Identity")
            {
                yield break;
            }

            var names = definition.Name switch
            {
                "IdentityUser" => new[] { "UserName", "NormalizedUserName" },
                "IdentityRole" => new[] { "Name", "NormalizedName" },
                _ => System.Array.Empty<string>(),
            };
            foreach (var name in names)
            {
                if (type.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
                {
                    yield return property;
                }
            }
        }
    }
}
