namespace PerfAnalyzers.EfCore
{
    /// <summary>Owned types: <c>OwnsOne</c>/<c>OwnsMany</c> (by lambda or by name), <c>[Owned]</c>, <c>modelBuilder.Owned&lt;T&gt;()</c>, the snapshot.</summary>
    internal sealed partial class EfModel
    {
        /// <summary>
        /// The navigation is owned (OwnsOne/OwnsMany, [Owned], modelBuilder.Owned&lt;T&gt;()) or complex (ComplexProperty): its
        /// data is always loaded with its owner.
        /// </summary>
        public bool IsOwned(IPropertySymbol navigation, ITypeSymbol targetType)
        {
            var scan = Scan();
            if (Matches(navigation, scan.OwnedNavigations) || Matches(navigation, scan.ComplexNavigations)
                || scan.OwnedTypes.Contains(targetType.OriginalDefinition) || scan.ComplexTypes.Contains(targetType.OriginalDefinition)
                || HasOwnedAttribute(targetType))
            {
                return true;
            }

            for (var t = navigation.ContainingType as ITypeSymbol; t is not null; t = t.BaseType)
            {
                if (scan.OwnedByName.Contains((t.OriginalDefinition, navigation.Name)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The entity (or a base type) owns a type through <c>OwnsOne</c>/<c>OwnsMany</c>; the owner type, or null.</summary>
        public ITypeSymbol? FindOwner(ITypeSymbol entity)
            => SelfAndBases(entity).FirstOrDefault(t => Scan().OwnedOwners.Contains(t));

        /// <summary>This very type (not a base) owns types or has complex properties configured fluently or in the snapshot.</summary>
        public bool OwnsOwnedOrComplexTypes(ITypeSymbol type)
        {
            var scan = Scan();
            return scan.OwnedOwners.Contains(type.OriginalDefinition) || scan.ComplexOwners.Contains(type.OriginalDefinition);
        }

        /// <summary>An <c>[Owned]</c> type, or one configured as owned anywhere in the model.</summary>
        public bool IsOwnedType(ITypeSymbol type)
            => HasOwnedAttribute(type) || Scan().OwnedTypes.Contains(type.OriginalDefinition);
    }
}
