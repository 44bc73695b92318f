namespace PerfAnalyzers.EfCore
{
    /// <summary>
    /// The foreign key behind a collection navigation, by EF Core conventions and data annotations. The principal's key
    /// comes from <see cref="EfModel.FindSingleKey"/> (fluent HasKey, [PrimaryKey], [Key], Id conventions), so key
    /// knowledge lives in one place. Callers use these answers only to offer a rewrite (ambiguity => no answer).
    /// </summary>
    internal static class ModelConventions
    {
        /// <summary>
        /// The collection navigation on <paramref name="principal"/> whose dependents are <paramref name="dependent"/> rows
        /// with <paramref name="foreignKey"/> = <paramref name="principalKey"/>: <c>Blog.Posts</c> for <c>Post.BlogId</c> = <c>Blog.Id</c>.
        /// Null when the key is not the principal's primary key, the foreign key does not follow the conventions
        /// (&lt;navigation&gt;Id, &lt;principal type&gt;Id, <c>[ForeignKey]</c>), or more than one navigation could match.
        /// </summary>
        public static IPropertySymbol? FindCollectionNavigation(EfModel model, ITypeSymbol? principal, ITypeSymbol? dependent, IPropertySymbol foreignKey, IPropertySymbol principalKey)
        {
            if (principal is not INamedTypeSymbol principalType || dependent is null
                || !SymbolEqualityComparer.Default.Equals(model.FindSingleKey(principalType)?.OriginalDefinition, principalKey.OriginalDefinition)
                || !SymbolEqualityComparer.Default.Equals(principalKey.ContainingType.OriginalDefinition, principalType.OriginalDefinition)
                && !EfSymbols.InheritsFrom(principalType, principalKey.ContainingType))
            {
                return null;
            }

            var collections = AllProperties(principalType).Where(p => IsCollectionOf(p.Type, dependent)).ToList();
            if (collections.Count != 1)
            {
                return null;
            }

            var navigation = collections[0];

            // The dependent's reference navigation back to the principal (optional), and the FK naming it implies.
            var references = AllProperties(dependent).Where(p => SymbolEqualityComparer.Default.Equals(p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), principalType.WithNullableAnnotation(NullableAnnotation.NotAnnotated))).ToList();
            if (references.Count > 1)
            {
                return null;
            }

            var fkName = foreignKey.Name;
            var explicitFk = foreignKey.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "ForeignKeyAttribute");
            if (explicitFk is not null)
            {
                var target = explicitFk.ConstructorArguments.FirstOrDefault().Value as string;
                return references.Count == 1 && target == references[0].Name ? navigation : null;
            }

            var candidates = ForeignKeyNames(references.Count == 1 ? references[0].Name : null, principalType, principalKey);
            return candidates.Any(c => string.Equals(c, fkName, StringComparison.OrdinalIgnoreCase)) ? navigation : null;
        }

        /// <summary>
        /// The foreign key property behind a reference navigation: <c>Post.BlogId</c> for <c>Post.Blog</c>, by
        /// <c>[ForeignKey]</c> on the navigation (naming the property) or on the property (naming the navigation), else by
        /// convention (&lt;navigation&gt;&lt;key&gt;, &lt;navigation&gt;Id, &lt;principal type&gt;&lt;key&gt;,
        /// &lt;principal type&gt;Id). Null when none or more than one property matches, when the key is composite or
        /// unknown, or when the property's type is not the key's (nullable or not). Fluent <c>HasForeignKey</c> is not read.
        /// </summary>
        public static IPropertySymbol? FindForeignKey(EfModel model, ITypeSymbol dependent, IPropertySymbol navigation, out IPropertySymbol? principalKey)
        {
            principalKey = null;
            if (navigation.Type is not INamedTypeSymbol principal || model.FindSingleKey(principal) is not { } key)
            {
                return null;
            }

            principalKey = key;
            var properties = AllProperties(dependent).Where(p => !SymbolEqualityComparer.Default.Equals(p, navigation)).ToList();
            var onNavigation = navigation.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "ForeignKeyAttribute");
            if (onNavigation is not null)
            {
                var named = onNavigation.ConstructorArguments.FirstOrDefault().Value as string;
                return SingleCompatible(properties.Where(p => p.Name == named), key);
            }

            var annotated = properties.Where(p => p.GetAttributes().Any(a => a.AttributeClass?.Name == "ForeignKeyAttribute"
                && a.ConstructorArguments.FirstOrDefault().Value as string == navigation.Name)).ToList();
            if (annotated.Count > 0)
            {
                return SingleCompatible(annotated, key);
            }

            var candidates = ForeignKeyNames(navigation.Name, principal, key);
            var byName = properties.Where(p => candidates.Any(c => string.Equals(c, p.Name, StringComparison.OrdinalIgnoreCase)))
                .Where(p => !p.GetAttributes().Any(a => a.AttributeClass?.Name == "ForeignKeyAttribute"))
                .ToList();

            // Two reference navigations to the same principal (Author, Reviewer) cannot share the type-name convention.
            if (byName.Count == 1 && !string.Equals(byName[0].Name, navigation.Name + key.Name, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(byName[0].Name, navigation.Name + "Id", StringComparison.OrdinalIgnoreCase)
                && AllProperties(dependent).Count(p => SymbolEqualityComparer.Default.Equals(p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), principal.WithNullableAnnotation(NullableAnnotation.NotAnnotated))) > 1)
            {
                return null;
            }

            return SingleCompatible(byName, key);
        }

        /// <summary>
        /// The foreign key names EF Core's conventions accept for a relationship to <paramref name="principal"/>:
        /// &lt;navigation&gt;&lt;key&gt; and &lt;navigation&gt;Id when the dependent has the reference navigation, then
        /// &lt;principal type&gt;&lt;key&gt; and &lt;principal type&gt;Id.
        /// </summary>
        private static string[] ForeignKeyNames(string? navigationName, ITypeSymbol principal, IPropertySymbol key)
            => navigationName is null
                ? new[] { principal.Name + key.Name, principal.Name + "Id" }
                : new[] { navigationName + key.Name, navigationName + "Id", principal.Name + key.Name, principal.Name + "Id" };

        private static IPropertySymbol? SingleCompatible(System.Collections.Generic.IEnumerable<IPropertySymbol> properties, IPropertySymbol key)
        {
            var list = properties.ToList();
            if (list.Count != 1)
            {
                return null;
            }

            var fk = list[0].Type;
            var keyType = key.Type;
            if (fk is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                fk = nullable.TypeArguments[0];
            }

            return SymbolEqualityComparer.Default.Equals(fk.WithNullableAnnotation(NullableAnnotation.NotAnnotated), keyType.WithNullableAnnotation(NullableAnnotation.NotAnnotated))
                ? list[0]
                : null;
        }

        private static System.Collections.Generic.IEnumerable<IPropertySymbol> AllProperties(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
                {
                    if (!property.IsStatic && !property.IsIndexer && property.GetMethod is not null
                        && !property.GetAttributes().Any(a => a.AttributeClass?.Name == "NotMappedAttribute"))
                    {
                        yield return property;
                    }
                }
            }
        }

        private static bool IsCollectionOf(ITypeSymbol type, ITypeSymbol element)
        {
            if (type.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            if (type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Length == 1
                && SymbolEqualityComparer.Default.Equals(named.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated), element.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
            {
                return named.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                       || named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;
            }

            return false;
        }
    }
}
